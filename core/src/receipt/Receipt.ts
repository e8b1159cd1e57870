import type { Hex } from '../bytes/hex.ts'

/** The format version every receipt carries in `v`; it is signed, so it separates domains. */
export const RECEIPT_VERSION = 'tml-receipt/2' as const

/**
 * A log's synchronous promise that an MTL will be in a checkpoint within the log's maximum epoch
 * interval. A receipt whose MTL is missing from the next anchored checkpoints proves that the
 * operator broke its promise.
 *
 * Spec: ARCHITECTURE.md, Formats, Receipt. Hex is lower case, as in `mtl/1` (one spelling).
 *
 * @example
 * const receipt: Receipt = { v: 'tml-receipt/2', logId, traceId: mtl.trace_id, seq: mtl.seq,
 *   leafHash: bytesToHex(hashMtl(mtl)), timestamp: '2025-03-14T09:26:53.601Z' }
 */
export type Receipt = {
  v: typeof RECEIPT_VERSION
  /** bytes32 of the log, as in the MTL's `log_id`. */
  logId: Hex
  /** The MTL's `trace_id` (lower-case RFC 9562 UUID). */
  traceId: string
  /** The MTL's `seq`: its leaf index in the log. */
  seq: number
  /** RFC 9162 leaf hash of the MTL (`hashMtl`). */
  leafHash: Hex
  /** When the gateway issued the receipt: RFC 3339 UTC, 0 to 3 fractional digits. */
  timestamp: string
}

/**
 * A {@link Receipt} with the log's ECDSA P-256 signature over
 * SHA-256(`canonicalBytes(receipt without signature)`): 64 bytes `r ‖ s`, low s (s ≤ n/2), so
 * that the chain (P-256 precompile, OpenZeppelin P256) can check it in a broken-promise report.
 *
 * Spec: FIPS 186-5 (ECDSA P-256, SHA-256), RFC 8785 (signed bytes).
 *
 * @example
 * const signed: SignedReceipt = signReceipt({ receipt, privateKey })
 */
export type SignedReceipt = Receipt & { signature: Hex }
