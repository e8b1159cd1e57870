import type { Receipt } from '@tml/core'

// Printable ASCII without `"` and `\`: JSON writes such a string as itself between quotes, which
// is also its RFC 8785 form. Hex digests, UUIDs, RFC 3339 times and `tml-receipt/2` all match.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/**
 * The RFC 8785 text of a receipt's six signed fields (core's `receiptSigningBytes`, as text),
 * written directly in their sorted order instead of through the general serializer: the commit
 * worker signs one receipt per record, and this saves a few µs of each. Returns undefined when a
 * value is not of the plain form the shortcut covers (then the general serializer must write it).
 *
 * Spec: RFC 8785 §3.2; `tml-receipt/2`.
 *
 * @example
 * receiptText({ v: 'tml-receipt/2', logId, traceId, seq: 7, leafHash, timestamp })
 * // '{"leafHash":"0x…","logId":"0x…","seq":7,"timestamp":"…","traceId":"…","v":"tml-receipt/2"}'
 */
export function receiptText({
  v,
  logId,
  traceId,
  seq,
  leafHash,
  timestamp,
}: Receipt): string | undefined {
  if (!Number.isSafeInteger(seq) || seq < 0) return undefined
  for (const s of [v, logId, traceId, leafHash, timestamp]) {
    if (typeof s !== 'string' || !PLAIN.test(s)) return undefined
  }
  return `{"leafHash":"${leafHash}","logId":"${logId}","seq":${seq},"timestamp":"${timestamp}","traceId":"${traceId}","v":"${v}"}`
}
