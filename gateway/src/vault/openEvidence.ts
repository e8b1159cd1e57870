import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToHex, type Hex, hexToBytes, sha256 } from '@tml/core'
import { decodeEnvelope } from './envelope.ts'
import type { VaultRecord } from './sealEvidence.ts'
import { VaultError } from './VaultError.ts'
import { vaultAad } from './vaultAad.ts'

/** Parameters of {@link openEvidence}. */
export type OpenEvidenceParameters = {
  envelope: Uint8Array
  /** The data key of the envelope's epoch. */
  key: Uint8Array
  logId: Hex
  seq: number
  /** The MTL's `evidence_seal`: checked first, so a swapped or altered envelope is named as such. */
  seal?: Hex
}

/**
 * Opens a sealed record with its epoch's data key, after checking that the envelope is the one
 * the MTL anchored (`seal`). The personal layer stays sealed: open it with {@link openPersonal}.
 * @throws {VaultError} `TML_VAULT_SEAL` (not the anchored envelope), `TML_VAULT_FORMAT`,
 *   `TML_VAULT_KEY` (another epoch's key, a wrong key, or altered bytes).
 *
 * @example
 * const { epoch, record } = openEvidence({ envelope, key, logId, seq: mtl.seq, seal: mtl.evidence_seal })
 */
export function openEvidence(p: OpenEvidenceParameters): { epoch: number; record: VaultRecord } {
  if (p.seal !== undefined) {
    // core's SHA-256 rather than node:crypto: the web page opens records in the browser.
    const actual = bytesToHex(sha256(p.envelope))
    if (actual !== p.seal.toLowerCase())
      throw new VaultError(
        `sealed record of seq ${p.seq} hashes to ${actual}, not to its MTL's evidence_seal ${p.seal}`,
        { code: 'TML_VAULT_SEAL' },
      )
  }
  const { epoch, nonce, ciphertext } = decodeEnvelope(p.envelope)
  let plain: Uint8Array
  try {
    plain = xchacha20poly1305(
      p.key,
      nonce,
      vaultAad({ layer: 'record', logId: p.logId, seq: p.seq, epoch }),
    ).decrypt(ciphertext)
  } catch (e) {
    throw new VaultError(
      `the key given does not open the sealed record of seq ${p.seq} (epoch ${epoch}): another epoch's key, a wrong key or altered bytes`,
      { code: 'TML_VAULT_KEY', cause: e },
    )
  }
  return { epoch, record: JSON.parse(new TextDecoder().decode(plain)) as VaultRecord }
}

/**
 * Opens the personal layer of an opened record with the subject's vault key.
 * @throws {VaultError} `TML_VAULT_SUBJECT` when the key does not open it (erased subject: its key
 *   can no longer be derived, so whoever asks has a wrong one).
 *
 * @example
 * const personal = openPersonal({ record, subjectKey, logId, seq })
 */
export function openPersonal({
  record,
  subjectKey,
  logId,
  seq,
}: {
  record: VaultRecord
  subjectKey: Uint8Array
  logId: Hex
  seq: number
}): unknown {
  if (record.personal === null) return null
  const both = hexToBytes(record.personal)
  try {
    const plain = xchacha20poly1305(
      subjectKey,
      both.subarray(0, 24),
      vaultAad({ layer: 'personal', logId, seq }),
    ).decrypt(both.subarray(24))
    return JSON.parse(new TextDecoder().decode(plain))
  } catch (e) {
    throw new VaultError(
      `the personal fields of seq ${seq} stay sealed: the subject's key is wrong or was erased`,
      { code: 'TML_VAULT_SUBJECT', cause: e },
    )
  }
}
