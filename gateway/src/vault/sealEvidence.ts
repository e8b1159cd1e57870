import { hash, randomFillSync } from 'node:crypto'
import { type Hex, hexToBytes } from '@tml/core'
import type { DecisionFinding } from '../service/withFindings.ts'
import { VAULT_HEADER_LENGTH, VAULT_NONCE_LENGTH, writeEnvelopeHeader } from './envelope.ts'
import { subjectVaultKey } from './subjectVaultKey.ts'
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

/** Parameters of {@link sealEvidence}. */
export type SealEvidenceParameters = {
  logId: Hex
  seq: number
  traceId: string
  /** The epoch whose data key seals the record. */
  epoch: number
  /** That epoch's 32-byte data key. */
  key: Uint8Array
  /** RFC 8785 text of the pseudonymized evidence, or null for records without evidence. */
  evidence: string | null
  /** RFC 8785 text of the output `output_hash` covers, or null; used when the payload has none. */
  releasedOutput: string | null
  payload: VaultPayload
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
 * Seals one record's full context for the vault: the evidence and output texts, the scores and
 * the rationale go into a {@link VaultRecord}, encrypted with XChaCha20-Poly1305 under the epoch's
 * data key with a random 24-byte nonce; the subject's personal values are encrypted first under
 * the subject's own key ({@link subjectVaultKey}), so that erasing the subject shreds them. The
 * associated data binds log, `seq` and epoch. Returns the envelope and its SHA-256, the MTL's
 * `evidence_seal`.
 *
 * XChaCha20-Poly1305 rather than AES-256-GCM-SIV: its 192-bit nonces can be drawn at random for
 * every record (no counter to keep across worker restarts, no birthday bound within an epoch).
 * It runs on OpenSSL's ChaCha20-Poly1305 ({@link xchachaSealInto}), byte for byte what
 * `@noble/ciphers` produces and opens; the envelope is written in place (header, nonce,
 * ciphertext and tag in one array), and the record's text is the only serialization.
 *
 * Spec: RFC 8439 (ChaCha20-Poly1305), draft-irtf-cfrg-xchacha (XChaCha20).
 *
 * @example
 * const { envelope, seal } = sealEvidence({ logId, seq: 7, traceId, epoch: 2, key, evidence, releasedOutput: null, payload })
 */
export function sealEvidence(p: SealEvidenceParameters): { envelope: Uint8Array; seal: Hex } {
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
  const plaintext = Buffer.from(JSON.stringify(record), 'utf8')
  const envelope = new Uint8Array(VAULT_HEADER_LENGTH + plaintext.length + XCHACHA_TAG_LENGTH)
  writeEnvelopeHeader(envelope, p.epoch)
  drawNonce(envelope, VAULT_HEADER_LENGTH - VAULT_NONCE_LENGTH)
  xchachaSealInto({
    key: p.key,
    nonce: envelope.subarray(VAULT_HEADER_LENGTH - VAULT_NONCE_LENGTH, VAULT_HEADER_LENGTH),
    aad: vaultAad({ layer: 'record', logId: p.logId, seq: p.seq, epoch: p.epoch }),
    plaintext,
    out: envelope,
    offset: VAULT_HEADER_LENGTH,
  })
  return { envelope, seal: `0x${hash('sha256', envelope, 'hex')}` }
}
