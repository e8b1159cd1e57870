// What an RPC failure means (range refused, transient, fatal) is one rule, shared with the
// gateway's event search: core's rpcErrorKind.
import { rpcErrorKind } from '@tml/core'

/** Blocks per `eth_getLogs` request to start with (and the most it grows back to). */
export const LOG_CHUNK_BLOCKS = 50_000n
/** The smallest range it halves down to; a refusal at this size is an error. */
export const LOG_CHUNK_FLOOR = 16n

export type GetEventsChunkedParameters<T> = {
  fromBlock: bigint
  toBlock: bigint
  read: (from: bigint, to: bigint) => Promise<T[]>
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
   * Remembers the range an endpoint accepted, so the next read of the same endpoint starts there
   * instead of being refused again (key it by RPC URL).
   */
  memory?: { key: string; sizes: Map<string, bigint> }
  sleep?: (ms: number) => Promise<void>
}

/** Ranges learned per RPC URL during this page's life. */
const learnedLogRanges = new Map<string, bigint>()

/**
 * The range memory of one chain's RPC endpoint, shared by every history read of this page.
 * @example getEventsChunked({ ...range, read, memory: logRangeMemory(chain) })
 */
export function logRangeMemory(chain: { chainId: number; rpcUrl: string | undefined }) {
  return { key: `${chain.chainId} ${chain.rpcUrl ?? ''}`, sizes: learnedLogRanges }
}

/**
 * Reads events from `fromBlock` to `toBlock` in order, in block ranges that adapt to what the
 * RPC endpoint accepts: a range it refuses as too large is halved (down to `floor`), ranges grow
 * back (doubling, up to `chunk`) after `growAfter` successes in a row, and a transient failure
 * (429, 5xx, timeout, network) is retried `retries` times with exponential backoff.
 *
 * @throws the read's error when it is neither (a contract or parameter error), when the range is
 * refused at `floor`, or after the last retry.
 * @example
 * const logs = await getEventsChunked({ fromBlock: 1n, toBlock: latest, read: (from, to) =>
 *   client.getContractEvents({ address, abi, eventName: 'CheckpointAnchored', fromBlock: from, toBlock: to }) })
 */
export async function getEventsChunked<T>({
  fromBlock,
  toBlock,
  read,
  chunk = LOG_CHUNK_BLOCKS,
  floor = LOG_CHUNK_FLOOR,
  growAfter = 3,
  retries = 4,
  backoffMs = 250,
  memory,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: GetEventsChunkedParameters<T>): Promise<T[]> {
  const smallest = floor < 1n ? 1n : floor > chunk ? chunk : floor
  let size = memory?.sizes.get(memory.key) ?? chunk
  if (size > chunk) size = chunk
  if (size < smallest) size = smallest
  let streak = 0
  let attempt = 0
  const out: T[] = []
  let from = fromBlock
  while (from <= toBlock) {
    const to = from + size - 1n < toBlock ? from + size - 1n : toBlock
    try {
      out.push(...(await read(from, to)))
    } catch (error) {
      const kind = rpcErrorKind(error)
      if (kind === 'range' && size > smallest && to > from) {
        size = size / 2n < smallest ? smallest : size / 2n
        streak = 0
        memory?.sizes.set(memory.key, size)
        continue
      }
      if (kind === 'transient' && attempt < retries) {
        await sleep(backoffMs * 2 ** attempt)
        attempt++
        continue
      }
      throw error
    }
    // Remember a size only once the endpoint has accepted a full range of it.
    if (to - from + 1n === size) memory?.sizes.set(memory.key, size)
    from = to + 1n
    attempt = 0
    streak++
    if (streak >= growAfter && size < chunk) {
      size = size * 2n > chunk ? chunk : size * 2n
      streak = 0
    }
  }
  return out
}
