/**
 * What an RPC error means for a log query:
 * - `range`: the node refuses the block range or the size of the answer (a smaller range works);
 * - `transient`: the node or the network failed this time (rate limit, timeout, 5xx): ask again;
 * - `fatal`: anything else (a malformed request, a wrong contract): asking again cannot help.
 */
export type RpcErrorKind = 'range' | 'transient' | 'fatal'

// How public providers word a refused range or an answer too large (Infura, Alchemy, QuickNode,
// Ankr, Cloudflare, drpc, publicnode, Polygon's and Base's own nodes, as of 2025; Infura's block
// cap later: "range 1000000 exceeds limit of 10000"). Their codes
// are of no help: -32005 is a rate limit on one and a result cap on another, -32602 and -32000
// cover any bad request.
const RANGE =
  /block range|range (is )?too (large|wide|big)|range limit|blocks? (range )?(exceed|limit)|exceed(s|ed)? (the )?max(imum)? (block )?range|max(imum)? block range|too many blocks|more than \d[\d,]* (results|logs|blocks)|(results?|logs?|response) (size |limit )?(exceed|too large)|response size|query returned more than|limited to a [\d,]+ (block )?range|ranges over [\d,]+ blocks|range [\d,]+ exceeds/i

const TRANSIENT =
  /rate.?limit|too many requests|timed? ?out|temporar|unavailable|overloaded|busy|try again|fetch failed|socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|header not found|missing trie node/i

/**
 * Classifies an error from a `viem` call (or anything with `message`, `details`, `status`,
 * `code` and a `cause` chain), reading every error in the chain: viem wraps the node's own
 * words in `details` of an inner error.
 *
 * @example
 * rpcErrorKind(new Error('query returned more than 10000 results')) // 'range'
 */
export function rpcErrorKind(error: unknown): RpcErrorKind {
  const texts: string[] = []
  let status: number | undefined
  let code: number | undefined
  let networkFailed = false
  const seen = new Set<unknown>()
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); ) {
    seen.add(e)
    const o = e as {
      name?: unknown
      message?: unknown
      details?: unknown
      status?: unknown
      code?: unknown
    }
    // viem's HttpRequestError without a status: no answer at all (connection refused, reset).
    if (o.name === 'TimeoutError' || (o.name === 'HttpRequestError' && o.status === undefined))
      networkFailed = true
    if (typeof o.message === 'string') texts.push(o.message)
    if (typeof o.details === 'string') texts.push(o.details)
    if (typeof o.status === 'number') status ??= o.status
    if (typeof o.code === 'number') code ??= o.code
    e = (e as { cause?: unknown }).cause
  }
  if (typeof error === 'string') texts.push(error)
  const text = texts.join('\n')
  if (RANGE.test(text) || status === 413) return 'range'
  if (
    networkFailed ||
    TRANSIENT.test(text) ||
    status === 408 ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    code === -32005 || // "limit exceeded" without range words: a rate limit
    code === -32603 // internal error: nodes behind load balancers answer it while they resync
  ) {
    return 'transient'
  }
  return 'fatal'
}
