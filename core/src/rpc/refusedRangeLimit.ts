// How providers state the range they would accept, when they state it (Alchemy: "You can make
// eth_getLogs requests with up to a 500 block range"; Infura: "range 1000000 exceeds limit of
// 10000"; QuickNode: "eth_getLogs is limited to a 10,000 range"; BNB, Ankr: "exceed maximum
// block range: 5000"; Tenderly: "range 9009594 is bigger than range limit 2000"; others: "block
// range is too large, max is 2000"). A count of results ("more than 10000 results") is not a
// range of blocks and is not read here.
const LIMITS = [
  /up to an? ([\d,]+)[ -]block range/i,
  /exceeds? (?:the )?limit of ([\d,]+)/i,
  /limited to an? ([\d,]+)[ -](?:block )?range/i,
  /max(?:imum)? block range(?: is| of)?:? ([\d,]+)/i,
  /range limit(?: of| is)?:? ([\d,]+)/i,
  /block range (?:is )?too (?:large|wide|big)[^\d]{0,20}max(?:imum)?(?: is)?:? ([\d,]+)/i,
]

/**
 * The largest block range a node's refusal says it accepts, if its words say so: a search can
 * then ask for that many blocks at once instead of halving its way down. Reads every error of
 * the `cause` chain (viem puts the node's words in `details`).
 *
 * @example
 * refusedRangeLimit(new Error('range 1000000 exceeds limit of 10000')) // 10000n
 * refusedRangeLimit(new Error('query returned more than 10000 results')) // undefined
 */
export function refusedRangeLimit(error: unknown): bigint | undefined {
  const seen = new Set<unknown>()
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); ) {
    seen.add(e)
    const o = e as { message?: unknown; details?: unknown; cause?: unknown }
    for (const text of [o.details, o.message]) {
      if (typeof text !== 'string') continue
      for (const pattern of LIMITS) {
        const digits = pattern.exec(text)?.[1]?.replaceAll(',', '')
        if (digits !== undefined && /^\d{1,15}$/.test(digits) && BigInt(digits) > 0n)
          return BigInt(digits)
      }
    }
    e = o.cause
  }
  return undefined
}
