import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToHex, type Hex, hexToBytes, sha256 } from '@tml/core'
import { decodeEnvelope } from './envelope.ts'
import { VAULT_BATCH_VERSION, type VaultRecord } from './sealEvidence.ts'
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
  /** The MTL's trace id: the record opened must name it. */
  traceId?: string
}

/**
 * Opens the sealed record of `seq` with its epoch's data key, after checking that the envelope is
 * the one the MTL anchored (`seal`). A `tml-vault/2` envelope holds the records of one commit
 * batch: the record is the one filed under `seq`, and must name the MTL's trace when `traceId` is
 * given. A `tml-vault/1` envelope (gateways before it) holds the one record. The personal layer
 * stays sealed: open it with {@link openPersonal}.
 * @throws {VaultError} `TML_VAULT_SEAL` (not the anchored envelope, or no record of this `seq` or
 *   trace in it), `TML_VAULT_FORMAT`, `TML_VAULT_KEY` (another epoch's key, a wrong key, or
 *   altered bytes).
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
  const envelope = decodeEnvelope(p.envelope)
  const { epoch } = envelope
  if (envelope.version === 2 && (p.seq < envelope.firstSeq || p.seq > envelope.lastSeq))
    throw new VaultError(
      `the sealed batch of seqs ${envelope.firstSeq} to ${envelope.lastSeq} cannot hold seq ${p.seq}`,
      { code: 'TML_VAULT_SEAL' },
    )
  const aad =
    envelope.version === 1
      ? vaultAad({ layer: 'record', logId: p.logId, seq: p.seq, epoch })
      : vaultAad({
          layer: 'batch',
          logId: p.logId,
          seq: envelope.firstSeq,
          lastSeq: envelope.lastSeq,
          epoch,
        })
  let plain: Uint8Array
  try {
    plain = xchacha20poly1305(p.key, envelope.nonce, aad).decrypt(envelope.ciphertext)
  } catch (e) {
    throw new VaultError(
      `the key given does not open the sealed record of seq ${p.seq} (epoch ${epoch}): another epoch's key, a wrong key or altered bytes`,
      { code: 'TML_VAULT_KEY', cause: e },
    )
  }
  const parsed = JSON.parse(new TextDecoder().decode(plain)) as unknown
  const record =
    envelope.version === 1 ? (parsed as VaultRecord) : batchMember(parsed, p.seq, envelope)
  if (p.traceId !== undefined && record.trace_id !== p.traceId)
    throw new VaultError(
      `the sealed record of seq ${p.seq} names trace ${record.trace_id}, not ${p.traceId}`,
      { code: 'TML_VAULT_SEAL' },
    )
  return { epoch, record }
}

// The record filed under `seq` in an opened `tml-vault-batch/1` plaintext. It authenticated under
// the epoch key, so a missing member means a seal that names a batch without this record.
function batchMember(
  plain: unknown,
  seq: number,
  range: { firstSeq: number; lastSeq: number },
): VaultRecord {
  const batch = plain as { v?: unknown; records?: Record<string, VaultRecord> }
  if (batch?.v !== VAULT_BATCH_VERSION || typeof batch.records !== 'object' || !batch.records)
    throw new VaultError(`the sealed batch is not a ${VAULT_BATCH_VERSION} object`, {
      code: 'TML_VAULT_FORMAT',
    })
  const record = Object.hasOwn(batch.records, String(seq)) ? batch.records[String(seq)] : undefined
  if (record === undefined)
    throw new VaultError(
      `the sealed batch of seqs ${range.firstSeq} to ${range.lastSeq} holds no record of seq ${seq}`,
      { code: 'TML_VAULT_SEAL' },
    )
  return record
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
