import { canonicalBytes } from '../jcs/canonicalBytes.ts'
import type { Receipt } from './Receipt.ts'

/**
 * The bytes a receipt signature covers: the RFC 8785 canonical JSON (UTF-8) of the receipt's six
 * fields, without `signature`. `v` is among them, so a receipt signature can never be replayed as
 * a signature of anything else the key signs.
 *
 * Spec: RFC 8785; ARCHITECTURE.md, Formats, Receipt.
 *
 * @example
 * bytesToUtf8(receiptSigningBytes(receipt))
 * // '{"leafHash":"0x…","logId":"0x…","seq":0,"timestamp":"…","traceId":"…","v":"tml-receipt/2"}'
 */
export function receiptSigningBytes(receipt: Receipt): Uint8Array {
  const { v, logId, traceId, seq, leafHash, timestamp } = receipt
  return canonicalBytes({ v, logId, traceId, seq, leafHash, timestamp })
}
