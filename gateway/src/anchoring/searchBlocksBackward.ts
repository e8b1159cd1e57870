import { type RpcErrorKind, rpcErrorKind } from '@tml/core'

/**
 * The number of blocks one query asks for, learned from the node and kept between searches
 * (one per RPC endpoint): a node that refused 5,000 blocks once is asked for less next time.
 */
export type BlockSpan = {
  blocks: bigint
  /**
   * The smallest span the node refused: growth stays below it, so a node that caps at 2,000
   * settles on 1,250 instead of being asked for 2,500 again after every few answers.
   */
  refused?: bigint
}

/** Parameters of {@link searchBlocksBackward}. */
export type SearchBlocksBackwardParameters<T> = {
  /** Lowest block to search (a contract's deployment block: nothing of it is older). */
  fromBlock: bigint
  /** Highest block to search (the chain's newest, usually). */
  toBlock: bigint
  /** Asks one range, both ends included; resolves what it found, or undefined to go on. */
  query: (fromBlock: bigint, toBlock: bigint) => Promise<T | undefined>
  /** The span to start with; halved and grown in place. */
  span: BlockSpan
  /** Smallest span: a node that refuses even this is not refusing the range. Default 10. */
  minBlocks?: bigint
  /** Largest span the search grows to. Default 100,000. */
  maxBlocks?: bigint
  /** Ranges answered in a row before the span doubles. Default 3. */
  growAfter?: number
  /** Tries again after a transient error (rate limit, timeout, 5xx), per range. Default 3. */
  retries?: number
  /** Pause before the first retry (ms), doubled each time. Default 250. */
  backoffMs?: number
  /** Classifies errors; default {@link rpcErrorKind}. */
  classify?: (error: unknown) => RpcErrorKind
  sleep?: (ms: number) => Promise<void>
}

/**
 * Searches a block range from its newest block back, one query per range of `span.blocks`,
 * and resolves the first thing `query` finds (undefined when the whole range holds nothing).
 * Public RPC nodes cap `eth_getLogs` in blocks or in results, each its own way and often
 * unannounced; so a refused range is halved (down to `minBlocks`), answered ranges let the span
 * double again (up to `maxBlocks`), and transient errors are retried with backoff before the
 * search gives up. The newest blocks first, because what is sought is most likely recent.
 *
 * @throws the query's error when it is neither about the range nor transient, when the node
 *   refuses even `minBlocks`, or when a transient error outlasts `retries`.
 *
 * @example
 * const span = { blocks: 5_000n } // kept for the next search on the same node
 * const log = await searchBlocksBackward({
 *   fromBlock: deploymentBlock,
 *   toBlock: await client.getBlockNumber(),
 *   span,
 *   query: async (fromBlock, toBlock) =>
 *     (await client.getContractEvents({ address, abi, eventName, fromBlock, toBlock }))[0],
 * })
 */
export async function searchBlocksBackward<T>(
  p: SearchBlocksBackwardParameters<T>,
): Promise<T | undefined> {
  const minBlocks = p.minBlocks ?? 10n
  const maxBlocks = p.maxBlocks ?? 100_000n
  const growAfter = p.growAfter ?? 3
  const retries = p.retries ?? 3
  const backoffMs = p.backoffMs ?? 250
  const classify = p.classify ?? rpcErrorKind
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  if (p.span.blocks < minBlocks) p.span.blocks = minBlocks
  if (p.span.blocks > maxBlocks) p.span.blocks = maxBlocks
  let answered = 0
  let failures = 0
  let to = p.toBlock
  while (to >= p.fromBlock) {
    const blocks = p.span.blocks
    const from = to - blocks + 1n > p.fromBlock ? to - blocks + 1n : p.fromBlock
    let found: T | undefined
    try {
      found = await p.query(from, to)
    } catch (error) {
      const kind = classify(error)
      if (kind === 'range' && blocks > minBlocks) {
        const half = blocks / 2n
        p.span.blocks = half < minBlocks ? minBlocks : half
        if (p.span.refused === undefined || blocks < p.span.refused) p.span.refused = blocks
        answered = 0
        continue
      }
      if (kind === 'transient' && failures < retries) {
        await sleep(backoffMs * 2 ** failures)
        failures++
        continue
      }
      throw error
    }
    if (found !== undefined) return found
    failures = 0
    to = from - 1n
    if (++answered >= growAfter) {
      answered = 0
      const grown = blocks * 2n > maxBlocks ? maxBlocks : blocks * 2n
      if (grown > blocks && (p.span.refused === undefined || grown < p.span.refused))
        p.span.blocks = grown
    }
  }
  return undefined
}
