import { BaseError } from '../errors/BaseError.ts'

/**
 * Why a paged event search stopped without covering its whole block range:
 * - `refused`: the node refused even the smallest range the search may ask for;
 * - `calls`: the search reached its bound on requests before the last block;
 * - `transient`: the node kept failing one range (rate limit, timeout, 5xx) past the retries;
 * - `failed`: the node answered with an error that asking again cannot help (a bad filter).
 */
export type EventSearchFailure = 'refused' | 'calls' | 'transient' | 'failed'

/**
 * A block-range event search (`eth_getLogs`, paged by `searchBlockRanges`) could not read the
 * whole range. Says which blocks were read, where it stopped and why; the node's own error is
 * the `cause`.
 *
 * @example
 * try { await searchBlockRanges({ fromBlock, toBlock, read }) }
 * catch (e) { if (e instanceof EventSearchError) console.log(e.failure, e.stoppedAt) }
 */
export class EventSearchError extends BaseError {
  override name = 'EventSearchError' as const
  readonly failure: EventSearchFailure
  /** The whole range the search was asked for. */
  readonly fromBlock: bigint
  readonly toBlock: bigint
  /** The range of the request that failed (or would have been next, for `calls`). */
  readonly stoppedAt: { fromBlock: bigint; toBlock: bigint }
  /** Requests sent, refused ones included. */
  readonly calls: number

  constructor(p: {
    failure: EventSearchFailure
    fromBlock: bigint
    toBlock: bigint
    stoppedAt: { fromBlock: bigint; toBlock: bigint }
    calls: number
    cause?: unknown
  }) {
    const { failure, fromBlock, toBlock, stoppedAt, calls, cause } = p
    const blocks = `blocks ${stoppedAt.fromBlock}–${stoppedAt.toBlock}`
    const why = {
      refused: `the node refused even ${blocks} (${stoppedAt.toBlock - stoppedAt.fromBlock + 1n} blocks), the smallest range this search asks for`,
      calls: `it reached its bound of ${calls} requests before ${blocks}; start the search at the registry's deployment block (fromBlock) or allow more calls`,
      transient: `the node kept failing ${blocks} after every retry`,
      failed: `the node answered ${blocks} with an error that asking again cannot help`,
    }[failure]
    // The node's words on the first line too: callers often show only that one.
    const words = cause === undefined ? undefined : nodeWords(cause)
    const said =
      words === undefined ? '' : ` (the node said: ${words.split('\n')[0]?.slice(0, 160)})`
    super(`Event search of blocks ${fromBlock}–${toBlock} stopped: ${why}${said}.`, {
      details: words,
      cause,
    })
    this.failure = failure
    this.fromBlock = fromBlock
    this.toBlock = toBlock
    this.stoppedAt = stoppedAt
    this.calls = calls
  }
}

// The node's own words, short: viem's messages carry request bodies and version lines.
function nodeWords(cause: unknown): string {
  const o = cause as { shortMessage?: unknown; details?: unknown; message?: unknown }
  const parts = [o?.shortMessage, o?.details].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  )
  const text =
    parts.length > 0
      ? [...new Set(parts)].join(': ')
      : typeof o?.message === 'string'
        ? o.message
        : String(cause)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
