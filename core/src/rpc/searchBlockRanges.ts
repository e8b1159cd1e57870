import { EventSearchError } from './EventSearchError.ts'
import { refusedRangeLimit } from './refusedRangeLimit.ts'
import { type RpcErrorKind, rpcErrorKind } from './rpcErrorKind.ts'

/**
 * How many blocks one request asks for, learned from a node and kept between searches (one
 * object per RPC endpoint): a node that refused 5,000 blocks once is asked for less next time.
 */
export type BlockSpan = {
  blocks: bigint
  /**
   * The smallest span the node refused: growth stays below it, so that a node capped at 2,000
   * is not asked for 2,500 again after every few answers.
   */
  refused?: bigint | undefined
}

/** Blocks one request asks for at most, unless the caller says otherwise: the commonest cap. */
export const DEFAULT_MAX_BLOCKS = 10_000n
/** Requests one search sends at most, unless the caller says otherwise. */
export const DEFAULT_MAX_CALLS = 10_000

/** Parameters of {@link searchBlockRanges}. */
export type SearchBlockRangesParameters<T> = {
  /** Lowest block (a registry's deployment block: it emitted nothing before). */
  fromBlock: bigint
  /** Highest block (the chain's newest, usually). */
  toBlock: bigint
  /** Reads one range, both ends included (one `eth_getLogs`, `getContractEvents`). */
  read: (fromBlock: bigint, toBlock: bigint) => Promise<readonly T[]>
  /** Read the newest range first (what is sought is most likely recent). Default false. */
  newestFirst?: boolean | undefined
  /** Stop after the first range that returns anything. Default false: read the whole range. */
  stopAtFirst?: boolean | undefined
  /** The span to start with, updated in place; pass one object per endpoint to keep it. */
  span?: BlockSpan | undefined
  /** Smallest span: a node that refuses even this is not refusing the range. Default 10. */
  minBlocks?: bigint | undefined
  /** Largest span (and the first, without `span`). Default {@link DEFAULT_MAX_BLOCKS}. */
  maxBlocks?: bigint | undefined
  /** Ranges answered in a row before the span doubles (below any refused span). Default 3. */
  growAfter?: number | undefined
  /** Retries of one range after a transient error (rate limit, timeout, 5xx). Default 3. */
  retries?: number | undefined
  /** Pause before the first retry (ms), doubled at each. Default 250. */
  backoffMs?: number | undefined
  /** Requests sent at most, refused and retried ones included. Default {@link DEFAULT_MAX_CALLS}. */
  maxCalls?: number | undefined
  /** Classifies a failed read; default {@link rpcErrorKind}. */
  classify?: ((error: unknown) => RpcErrorKind) | undefined
  sleep?: ((ms: number) => Promise<void>) | undefined
}

/**
 * The one paged event search of TML Anchor: reads `[fromBlock, toBlock]` in block ranges a node
 * accepts and returns what every range returned, in the order read (oldest range first, or
 * newest first with `newestFirst`). Public RPC nodes cap `eth_getLogs` by block range or by the
 * size of the answer, each in its own words and often unannounced (10,000 blocks, 2,000, 500):
 * a range refused with such words ({@link rpcErrorKind} `range`) is halved, or cut to the limit
 * the refusal states, down to `minBlocks`; answered ranges let the span double again, below the
 * smallest refused one; a transient error is retried with backoff; anything else stops.
 *
 * @throws {EventSearchError} when the node refuses `minBlocks`, keeps failing one range past
 *   `retries`, answers with another error (`failed`, the node's error as `cause`), or when
 *   `maxCalls` requests did not cover the range.
 * @example
 * const anchored = await searchBlockRanges({
 *   fromBlock: deploymentBlock,
 *   toBlock: await client.getBlockNumber(),
 *   read: (fromBlock, toBlock) =>
 *     client.getContractEvents({ address, abi, eventName: 'CheckpointAnchored', fromBlock, toBlock }),
 * })
 */
export async function searchBlockRanges<T>(p: SearchBlockRangesParameters<T>): Promise<T[]> {
  const minBlocks = p.minBlocks !== undefined && p.minBlocks > 0n ? p.minBlocks : 10n
  const maxBlocks =
    p.maxBlocks !== undefined && p.maxBlocks >= minBlocks
      ? p.maxBlocks
      : DEFAULT_MAX_BLOCKS > minBlocks
        ? DEFAULT_MAX_BLOCKS
        : minBlocks
  const growAfter = p.growAfter ?? 3
  const retries = p.retries ?? 3
  const backoffMs = p.backoffMs ?? 250
  const maxCalls = p.maxCalls ?? DEFAULT_MAX_CALLS
  const classify = p.classify ?? rpcErrorKind
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const span: BlockSpan = p.span ?? { blocks: maxBlocks }
  span.blocks = clamp(span.blocks, minBlocks, maxBlocks)

  const found: T[] = []
  let calls = 0
  let answered = 0
  let failures = 0
  // The next block not yet read: counting up from fromBlock, or down from toBlock.
  let next = p.newestFirst ? p.toBlock : p.fromBlock
  const done = () => (p.newestFirst ? next < p.fromBlock : next > p.toBlock)
  while (!done()) {
    const blocks = span.blocks
    const from = p.newestFirst ? max(next - blocks + 1n, p.fromBlock) : next
    const to = p.newestFirst ? next : min(next + blocks - 1n, p.toBlock)
    const stop = (failure: EventSearchError['failure'], cause?: unknown) =>
      new EventSearchError({
        failure,
        fromBlock: p.fromBlock,
        toBlock: p.toBlock,
        stoppedAt: { fromBlock: from, toBlock: to },
        calls,
        cause,
      })
    if (calls >= maxCalls) throw stop('calls')
    calls++
    let got: readonly T[]
    try {
      got = await p.read(from, to)
    } catch (error) {
      const kind = classify(error)
      if (kind === 'range') {
        const asked = to - from + 1n
        if (asked <= minBlocks) throw stop('refused', error)
        if (span.refused === undefined || asked < span.refused) span.refused = asked
        const stated = refusedRangeLimit(error)
        // A node that states its cap refuses anything above it: growth stops there.
        if (stated !== undefined && stated < asked && stated + 1n < (span.refused ?? asked))
          span.refused = stated + 1n
        span.blocks = clamp(
          stated !== undefined && stated < asked ? stated : asked / 2n,
          minBlocks,
          maxBlocks,
        )
        answered = 0
        continue
      }
      if (kind === 'transient') {
        if (failures >= retries) throw stop('transient', error)
        await sleep(backoffMs * 2 ** failures)
        failures++
        continue
      }
      throw stop('failed', error)
    }
    found.push(...got)
    failures = 0
    next = p.newestFirst ? from - 1n : to + 1n
    if (p.stopAtFirst && got.length > 0) break
    if (++answered >= growAfter) {
      answered = 0
      const grown = clamp(blocks * 2n, minBlocks, maxBlocks)
      if (grown > blocks && (span.refused === undefined || grown < span.refused))
        span.blocks = grown
    }
  }
  return found
}

const min = (a: bigint, b: bigint) => (a < b ? a : b)
const max = (a: bigint, b: bigint) => (a > b ? a : b)
const clamp = (v: bigint, low: bigint, high: bigint) => max(low, min(v, high))
