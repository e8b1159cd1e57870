import { BaseError } from '@tml/core'

/** What the auditor view refused before asking a chain or the gateway, and why. */
export type AuditErrorCode =
  /** The auditor's key file does not hold an X25519 private key. */
  | 'TML_AUDIT_KEY_FILE'
  /** The auditor's secret key is not the one whose public half the grant names. */
  | 'TML_AUDIT_WRONG_KEY'
  /** A form value (log id, epochs, duration, grant id, trace id, gateway URL) is not usable. */
  | 'TML_AUDIT_INPUT'
  /** This page has no chain with an AccessRegistry, or none with an RPC URL. */
  | 'TML_AUDIT_CONFIG'

/**
 * An auditor-view input refused with a message a person can act on (`shortMessage` names the
 * value and what is wrong). Errors of the replay itself are the gateway's `ReplayError` and
 * `VaultError`, shown as they are.
 *
 * @example
 * throw new AuditError('the grant id must be a whole number, got "x"', { code: 'TML_AUDIT_INPUT' })
 */
export class AuditError extends BaseError {
  override name = 'AuditError' as const
  readonly code: AuditErrorCode
  constructor(shortMessage: string, { code, cause }: { code: AuditErrorCode; cause?: unknown }) {
    super(shortMessage, { details: `code ${code}`, cause })
    this.code = code
  }
}
