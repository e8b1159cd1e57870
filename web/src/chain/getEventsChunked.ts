// The page's event reads go through core's one paged search (searchBlockRanges), which the
// verifier, `tml monitor` and `tml receipt check` use too; this file only keeps the page's
// defaults and remembers, per RPC endpoint, the range each one accepts.
import { type BlockSpan, searchBlockRanges } from '@tml/core'

/** Blocks per `eth_getLogs` request to start with (and the most it grows back to). */
export const LOG_CHUNK_BLOCKS = 50_000n
/** The smallest range it halves down to; a refusal at this size is an error. */
export const LOG_CHUNK_FLOOR = 16n

export type GetEventsChunkedParameters<T> = {
  fromBlock: bigint
  toBlock: bigint
  read: (from: bigint, to: bigint) => Promise<readonly T[]>
  /** First and largest range (blocks). */
  chunk?: bigint
  /** Smallest range (blocks) it halves down to. */
  floor?: bigint
  /** Successes in a row at one size before the range doubles again (up to `chunk`). */
  growAfter?: number
  /** Retries of one range after transient errors, with exponential backoff. */
  retries?: number
  /** First backoff delay, doubled on each retry. */
  backoffMs?: number
  /**
   * The range an endpoint accepts, learned and kept so that the next read of the same endpoint
   * starts there instead of being refused again ({@link logRangeMemory}).
   */
  memory?: BlockSpan
  sleep?: (ms: number) => Promise<void>
}

/** Ranges learned per RPC endpoint during this page's life. */
const learnedLogRanges = new Map<string, BlockSpan>()

/**
 * The range memory of one chain's RPC endpoint, shared by every history read of this page.
 * @example getEventsChunked({ ...range, read, memory: logRangeMemory(chain) })
 */
export function logRangeMemory(chain: { chainId: number; rpcUrl: string | undefined }): BlockSpan {
  const key = `${chain.chainId} ${chain.rpcUrl ?? ''}`
  let span = learnedLogRanges.get(key)
  if (span === undefined) {
    span = { blocks: LOG_CHUNK_BLOCKS }
    learnedLogRanges.set(key, span)
  }
  return span
}

/**
 * Reads events from `fromBlock` to `toBlock` in order, in block ranges that adapt to what the
 * RPC endpoint accepts (core's `searchBlockRanges`): a range it refuses as too large is halved,
 * or cut to the cap it states (down to `floor`), ranges grow back (doubling, up to `chunk`,
 * below any refused size) after `growAfter` successes in a row, and a transient failure (429,
 * 5xx, timeout, network) is retried `retries` times with exponential backoff.
 *
 * @throws {EventSearchError} (from core) when the endpoint refuses `floor`, fails past the last
 * retry, or answers another error (a contract or parameter error, its `cause`).
 * @example
 * const logs = await getEventsChunked({ fromBlock: 1n, toBlock: latest, read: (from, to) =>
 *   client.getContractEvents({ address, abi, eventName: 'CheckpointAnchored', fromBlock: from, toBlock: to }) })
 */
export function getEventsChunked<T>({
  fromBlock,
  toBlock,
  read,
  chunk = LOG_CHUNK_BLOCKS,
  floor = LOG_CHUNK_FLOOR,
  growAfter = 3,
  retries = 4,
  backoffMs = 250,
  memory,
  sleep,
}: GetEventsChunkedParameters<T>): Promise<T[]> {
  return searchBlockRanges({
    fromBlock,
    toBlock,
    read,
    maxBlocks: chunk,
    minBlocks: floor,
    growAfter,
    retries,
    backoffMs,
    span: memory,
    sleep,
  })
}
