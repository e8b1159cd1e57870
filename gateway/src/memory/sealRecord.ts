import { hash } from 'node:crypto'
import { canonicalize, type Hex, RECEIPT_VERSION, type SignedReceipt } from '@tml/core'
import type { ReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { PlacedRecord, SealedRecord } from './Committer.ts'
import type { StoredEntry } from './LogStore.ts'
import { ANONYMOUS_SUBJECT, pseudonymOf } from './pseudonymOf.ts'
import { receiptText } from './receiptText.ts'

/** Parameters of {@link sealRecord}. */
export type SealRecordParameters = {
  record: PlacedRecord
  /** Signs the receipt with the log's P-256 receipt key. */
  signer: ReceiptSigner
  /**
   * With the vault on, the SHA-256 of the envelope its batch's records were sealed in
   * (`sealBatch`): the MTL carries it as `evidence_seal`.
   */
  evidenceSeal?: Hex
}

/** A sealed record: the store row and what goes back to the caller. */
export type SealRecordReturnType = {
  entry: StoredEntry
  sealed: SealedRecord
}

// RFC 9162 leaf prefix 0x00: as a string, U+0000 encodes to exactly that one byte in UTF-8, so
// the leaf's bytes are the UTF-8 of prefix + text and one one-shot hash covers them.
const LEAF_PREFIX = '\u0000'

/**
 * Seals one placed record: derives the evidence fields of a decision (`input_hash` = SHA-256 of
 * the canonical evidence, `output_hash`, the subject's pseudonym), writes the MTL's RFC 8785 form,
 * hashes it as an RFC 9162 leaf and signs its `tml-receipt/2`. With the vault on, the MTL also
 * carries `evidence_seal`, the hash of its batch's sealed envelope (`sealBatch` seals the batch
 * first). This is the CPU-heavy half of an append; the commit worker runs it off the event loop,
 * the inline committer on it.
 *
 * Spec: RFC 8785 (canonical form), RFC 9162 §2.1.1 (leaf hash), FIPS 186-5 (ECDSA P-256), `mtl/1`,
 * `tml-receipt/2`; Sacred Pause Protocol §9.1, §12.2.
 *
 * @example
 * const { entry, sealed } = sealRecord({ record, signer })
 * await store.append({ entries: [entry], subjectKeys: [], erasedLookups: [] })
 */
export function sealRecord({
  record,
  signer,
  evidenceSeal,
}: SealRecordParameters): SealRecordReturnType {
  let mtl: Record<string, unknown> = record.mtl
  let derived: SealedRecord['derived']
  const evidence = record.evidence
  if (evidence) {
    derived = {
      input_hash: sha256Hex(evidence.input),
      output_hash: evidence.output === null ? null : sha256Hex(evidence.output),
      subject:
        evidence.pseudonym ?? pseudonymOf(anonymousSecret(evidence.secret), ANONYMOUS_SUBJECT),
    }
    mtl = { ...record.mtl, ...derived }
  }
  if (evidenceSeal !== undefined) {
    // Added before the MTL is canonicalized: the leaf hash covers evidence_seal, so the vault
    // envelope is provably the one that was anchored.
    mtl =
      mtl === record.mtl
        ? { ...mtl, evidence_seal: evidenceSeal }
        : Object.assign(mtl, { evidence_seal: evidenceSeal })
  }
  const canonical = canonicalize(mtl)
  const leafHash = sha256Hex(LEAF_PREFIX + canonical)
  const { log_id: logId, seq, trace_id: traceId } = record.mtl
  const fields = {
    v: RECEIPT_VERSION,
    logId,
    traceId,
    seq,
    leafHash,
    timestamp: record.receiptTimestamp,
  }
  // The same bytes as signer.sign, without the general serializer (see receiptText).
  const text = receiptText(fields)
  const receipt: SignedReceipt =
    text === undefined
      ? signer.sign(fields)
      : { ...fields, signature: signer.signBytes(Buffer.from(text, 'latin1')) }
  const entry: StoredEntry = {
    seq,
    traceId,
    kind: record.mtl.kind,
    state: record.mtl.state,
    leafHash,
    mtl: canonical,
    receipt,
    refersTo: record.mtl.refers_to ?? null,
    profile: record.profile,
    pauseDeadlineMs: record.pauseDeadlineMs,
  }
  const sealed: SealedRecord = { leafHash, signature: receipt.signature }
  if (derived) sealed.derived = derived
  if (evidenceSeal !== undefined) sealed.evidenceSeal = evidenceSeal
  return { entry, sealed }
}

function sha256Hex(text: string): Hex {
  // One-shot crypto.hash: no Hash object per call (a few µs per record on the commit thread).
  return `0x${hash('sha256', text, 'hex')}`
}

function anonymousSecret(hex: string | null): Uint8Array {
  // An empty or short key would still "work" as an HMAC key: refuse it instead.
  if (hex === null || !/^[0-9a-f]{64}$/.test(hex))
    throw new RangeError('evidence without pseudonym needs a 32-byte one-off secret')
  return Buffer.from(hex, 'hex')
}
