import { BaseError, HttpRequestError, RpcRequestError, TimeoutError } from 'viem'

/** Blocks per `eth_getLogs` request to start with (and the most it grows back to). */
export const LOG_CHUNK_BLOCKS = 50_000n
/** The smallest range it halves down to; a refusal at this size is an error. */
export const LOG_CHUNK_FLOOR = 16n

/** What the reader does after a failed request. */
export type LogReadFailure = 'range' | 'transient' | 'fatal'

const RANGE_CODES = new Set([-32005, -32602, -32614, -32001])
const RANGE_WORDS =
  /range|too large|too big|too many|limit exceeded|exceed|more than \d+|response size|max(imum)? (block|results?|logs?)|\b10000 results|block limit|limited to/i
const RATE_WORDS = /rate limit|request count|too many requests|capacity|throttl/i
const TRANSIENT_WORDS =
  /timeout|timed out|temporar|unavailable|try again|header not found|busy|overload|econnreset|socket hang up|fetch failed|network/i

/**
 * Whether an `eth_getLogs` failure means "ask for fewer blocks" (the endpoint refuses the range:
 * -32005 limit exceeded, -32602 invalid params with a range message, "query returned more than
 * 10000 results", "block range too large", …), "wait and retry" (HTTP 429 or 5xx, a timeout, a
 * network error, a rate limit), or neither.
 *
 * @example classifyLogReadError(new LimitExceededRpcError(cause)) // 'range'
 */
export function classifyLogReadError(error: unknown): LogReadFailure {
  const text = errorChainText(error)
  const codes = errorChainCodes(error)
  const status = httpStatus(error)
  if (status === 429 || RATE_WORDS.test(text)) return 'transient'
  if ([...codes].some((c) => RANGE_CODES.has(c)) && (RANGE_WORDS.test(text) || codes.has(-32005)))
    return 'range'
  if (RANGE_WORDS.test(text) && /block|range|results|logs|response/i.test(text)) return 'range'
  if (status !== undefined && status >= 500) return 'transient'
  if (hasInChain(error, (e) => e instanceof TimeoutError)) return 'transient'
  if (hasInChain(error, (e) => e instanceof HttpRequestError && e.status === undefined))
    return 'transient'
  if (codes.has(-32603) || codes.has(-32000) || TRANSIENT_WORDS.test(text)) return 'transient'
  return 'fatal'
}

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
      const kind = classifyLogReadError(error)
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

function* chain(error: unknown): Generator<unknown> {
  let current: unknown = error
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    yield current
    current = (current as { cause?: unknown }).cause
  }
}

function hasInChain(error: unknown, test: (e: unknown) => boolean): boolean {
  for (const e of chain(error)) if (test(e)) return true
  return false
}

function errorChainText(error: unknown): string {
  const parts: string[] = []
  for (const e of chain(error)) {
    if (e instanceof BaseError) parts.push(e.shortMessage, e.details)
    else if (e instanceof Error) parts.push(e.message)
    else if (typeof e === 'object' && e !== null && 'message' in e) parts.push(String(e.message))
    else parts.push(String(e))
  }
  return parts.join(' | ')
}

function errorChainCodes(error: unknown): Set<number> {
  const codes = new Set<number>()
  for (const e of chain(error)) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'number') codes.add(code)
    if (e instanceof RpcRequestError) codes.add(e.code)
  }
  return codes
}

function httpStatus(error: unknown): number | undefined {
  for (const e of chain(error)) {
    if (e instanceof HttpRequestError && e.status !== undefined) return e.status
    const status = (e as { status?: unknown }).status
    if (typeof status === 'number') return status
  }
  return undefined
}
