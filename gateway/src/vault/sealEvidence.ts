import { hash, randomFillSync } from 'node:crypto'
import { type Hex, hexToBytes } from '@tml/core'
import type { DecisionFinding } from '../service/withFindings.ts'
import { VAULT_HEADER_LENGTH, VAULT_NONCE_LENGTH, writeEnvelopeHeader } from './envelope.ts'
import { subjectVaultKey } from './subjectVaultKey.ts'
import { VaultError } from './VaultError.ts'
import type { VaultPayload } from './VaultPayload.ts'
import { vaultAad } from './vaultAad.ts'
import { XCHACHA_TAG_LENGTH, xchachaSealInto } from './xchacha20poly1305.ts'

/** Version of the plaintext inside a sealed record. */
export const VAULT_RECORD_VERSION = 'tml-vault-record/1'

/** The plaintext of a sealed record, as an auditor reads it after opening the envelope. */
export type VaultRecord = {
  v: typeof VAULT_RECORD_VERSION
  trace_id: string
  /** RFC 8785 text of the pseudonymized `{ context, input, signals }`: SHA-256 is `input_hash`. */
  evidence: string | null
  /** RFC 8785 text of the pseudonymized output, released or not; null when none was given. */
  output: string | null
  scores: Readonly<Record<string, number>> | null
  /** The edge's checks merged into the decision (`VaultPayload.findings`); absent when none. */
  findings?: readonly DecisionFinding[]
  rationale: string | null
  /** `nonce ‖ ciphertext` of the personal layer, under the subject's key; null when none. */
  personal: Hex | null
}

/** Version of the plaintext of a `tml-vault/2` envelope: the records of one batch by `seq`. */
export const VAULT_BATCH_VERSION = 'tml-vault-batch/1'

/** Parameters of {@link vaultRecordText}: one record of a batch. */
export type VaultRecordParameters = {
  logId: Hex
  seq: number
  traceId: string
  /** RFC 8785 text of the pseudonymized evidence, or null for records without evidence. */
  evidence: string | null
  /** RFC 8785 text of the output `output_hash` covers, or null; used when the payload has none. */
  releasedOutput: string | null
  payload: VaultPayload
}

/** Parameters of {@link sealEvidenceBatch}. */
export type SealEvidenceBatchParameters = {
  logId: Hex
  /** The epoch whose data key seals the batch. */
  epoch: number
  /** That epoch's 32-byte data key. */
  key: Uint8Array
  /** The batch's records, in ascending `seq` order, as {@link vaultRecordText} wrote them. */
  records: readonly { seq: number; text: string }[]
}

/** Sealed records: their envelope, its SHA-256 (every member's `evidence_seal`), their range. */
export type SealedEvidenceBatch = {
  envelope: Uint8Array
  seal: Hex
  firstSeq: number
  lastSeq: number
}

/** Random nonces are cut from this pool, refilled 256 at a time (one system call, not 256). */
const NONCE_POOL = new Uint8Array(VAULT_NONCE_LENGTH * 256)
let nonceOffset = NONCE_POOL.length

/** Copies a fresh random nonce into `out` at `at` (the bytes are used once, then overwritten). */
function drawNonce(out: Uint8Array, at: number): void {
  if (nonceOffset === NONCE_POOL.length) {
    randomFillSync(NONCE_POOL)
    nonceOffset = 0
  }
  out.set(NONCE_POOL.subarray(nonceOffset, nonceOffset + VAULT_NONCE_LENGTH), at)
  // Zeroed once taken: no copy of a used nonce stays behind in the pool.
  NONCE_POOL.fill(0, nonceOffset, nonceOffset + VAULT_NONCE_LENGTH)
  nonceOffset += VAULT_NONCE_LENGTH
}

/**
 * The JSON text of one record's {@link VaultRecord}: the evidence and output texts, the scores,
 * the edge's findings and the rationale; the subject's personal values are sealed here already,
 * under the subject's own key ({@link subjectVaultKey}, XChaCha20-Poly1305 with a random nonce and
 * associated data binding log and `seq`), so that erasing the subject shreds them.
 *
 * @example
 * const text = vaultRecordText({ logId, seq: 7, traceId, evidence, releasedOutput: null, payload })
 */
export function vaultRecordText(p: VaultRecordParameters): string {
  const { payload } = p
  let personal: Hex | null = null
  if (payload.personal !== null && payload.subjectSecret !== null) {
    const subjectKey = subjectVaultKey(hexToBytes(payload.subjectSecret, 32))
    const plain = Buffer.from(payload.personal, 'utf8')
    // `nonce ‖ ciphertext ‖ tag`, as openPersonal reads it.
    const both = new Uint8Array(VAULT_NONCE_LENGTH + plain.length + XCHACHA_TAG_LENGTH)
    drawNonce(both, 0)
    try {
      xchachaSealInto({
        key: subjectKey,
        nonce: both.subarray(0, VAULT_NONCE_LENGTH),
        aad: vaultAad({ layer: 'personal', logId: p.logId, seq: p.seq }),
        plaintext: plain,
        out: both,
        offset: VAULT_NONCE_LENGTH,
      })
    } finally {
      subjectKey.fill(0)
    }
    personal = `0x${Buffer.from(both.buffer).toString('hex')}`
  }
  const record: VaultRecord = {
    v: VAULT_RECORD_VERSION,
    trace_id: p.traceId,
    evidence: p.evidence,
    output: payload.output ?? p.releasedOutput,
    scores: payload.scores,
    ...(payload.findings === undefined ? {} : { findings: payload.findings }),
    rationale: payload.rationale,
    personal,
  }
  return JSON.stringify(record)
}

/**
 * Seals records of one commit together, in one `tml-vault/2` envelope (`sealBatch` gives it the
 * commit's records, a new envelope every 64 KiB of text): their texts ({@link vaultRecordText})
 * by `seq` in a `tml-vault-batch/1` object, encrypted with XChaCha20-Poly1305 under the epoch's
 * data key with a random 24-byte nonce; the associated data binds log, epoch and the first and
 * last `seq`. Every record in it gets the envelope's SHA-256 as its MTL's `evidence_seal`: the
 * envelope the chains anchor through each of them, whose opening then finds that record under its
 * own `seq`.
 *
 * One envelope for many records rather than one each: the AEAD's setup, its tag, the SHA-256 and
 * the vault row are paid about once per group commit, which was most of what the vault cost a
 * durable decision. What is given up: whoever opens one record of a batch
 * (an auditor under a grant, the reviewer desk through the gateway) decrypts its neighbours too.
 * They share its epoch, and so the scope any grant covers: a grant is for epochs, not records.
 *
 * XChaCha20-Poly1305 rather than AES-256-GCM-SIV: its 192-bit nonces can be drawn at random for
 * every envelope (no counter to keep across worker restarts, no birthday bound within an epoch).
 * It runs on OpenSSL's ChaCha20-Poly1305 ({@link xchachaSealInto}), byte for byte what
 * `@noble/ciphers` produces and opens; the envelope is written in place.
 *
 * Spec: RFC 8439 (ChaCha20-Poly1305), draft-irtf-cfrg-xchacha (XChaCha20).
 * @throws {VaultError} `TML_VAULT_FORMAT` for an empty batch or seqs out of order.
 *
 * @example
 * const { envelope, seal } = sealEvidenceBatch({ logId, epoch: 2, key, records: [{ seq: 7, text }] })
 */
export function sealEvidenceBatch(p: SealEvidenceBatchParameters): SealedEvidenceBatch {
  const { records } = p
  const first = records[0]
  const last = records[records.length - 1]
  if (first === undefined || last === undefined)
    throw new VaultError('a sealed batch holds at least one record', { code: 'TML_VAULT_FORMAT' })
  let text = `{"v":"${VAULT_BATCH_VERSION}","records":{`
  let previous = -1
  for (let i = 0; i < records.length; i++) {
    const { seq, text: record } = records[i] as { seq: number; text: string }
    if (!(seq > previous))
      throw new VaultError(`a sealed batch's seqs ascend: ${seq} follows ${previous}`, {
        code: 'TML_VAULT_FORMAT',
      })
    previous = seq
    text += `${i === 0 ? '' : ','}"${seq}":${record}`
  }
  text += '}}'
  const plaintext = Buffer.from(text, 'utf8')
  const envelope = new Uint8Array(VAULT_HEADER_LENGTH + plaintext.length + XCHACHA_TAG_LENGTH)
  const range = { epoch: p.epoch, firstSeq: first.seq, lastSeq: last.seq }
  writeEnvelopeHeader(envelope, range)
  drawNonce(envelope, VAULT_HEADER_LENGTH - VAULT_NONCE_LENGTH)
  xchachaSealInto({
    key: p.key,
    nonce: envelope.subarray(VAULT_HEADER_LENGTH - VAULT_NONCE_LENGTH, VAULT_HEADER_LENGTH),
    aad: vaultAad({
      layer: 'batch',
      logId: p.logId,
      seq: first.seq,
      lastSeq: last.seq,
      epoch: p.epoch,
    }),
    plaintext,
    out: envelope,
    offset: VAULT_HEADER_LENGTH,
  })
  return {
    envelope,
    seal: `0x${hash('sha256', envelope, 'hex')}`,
    firstSeq: first.seq,
    lastSeq: last.seq,
  }
}
