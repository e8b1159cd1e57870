import { BaseError } from '@tml/core'

/** What went wrong with sealed evidence, so that callers and tests can tell failures apart. */
export type VaultErrorCode =
  /** The envelope is not a vault envelope (too short, unknown version), or its batch is malformed. */
  | 'TML_VAULT_FORMAT'
  /** The key does not open the envelope: another epoch's key, a wrong key, or tampered bytes. */
  | 'TML_VAULT_KEY'
  /** The envelope's SHA-256 is not the `evidence_seal` the MTL carries, or it holds no record of that seq or trace. */
  | 'TML_VAULT_SEAL'
  /** The subject's key is gone (erased) or wrong: its personal fields stay sealed. */
  | 'TML_VAULT_SUBJECT'
  /** Too few shares, or shares that do not belong together, to rebuild an epoch key. */
  | 'TML_VAULT_SHARES'
  /** A custodian list or threshold that cannot work. */
  | 'TML_VAULT_CONFIG'
  /** No epoch key is open to seal with (its preparation failed). */
  | 'TML_VAULT_NO_KEY'
  /**
   * The custodians given to the gateway are not the ones the log declared on chain (or the log
   * declared none), or the chain's declaration cannot be read.
   */
  | 'TML_VAULT_CUSTODIANS'

/**
 * A sealed-evidence operation failed; `code` says which kind of failure it was, the message says
 * what exactly (which epoch, which record).
 *
 * @example
 * try { openEvidence({ envelope, key, logId, seq }) } catch (e) { if (e instanceof VaultError && e.code === 'TML_VAULT_KEY') … }
 */
export class VaultError extends BaseError {
  override name = 'VaultError' as const
  readonly code: VaultErrorCode
  constructor(shortMessage: string, { code, cause }: { code: VaultErrorCode; cause?: unknown }) {
    super(shortMessage, { details: `code ${code}`, cause })
    this.code = code
  }
}
