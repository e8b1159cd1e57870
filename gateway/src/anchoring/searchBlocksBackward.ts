import { type BlockSpan, type RpcErrorKind, searchBlockRanges } from '@tml/core'

export type { BlockSpan }

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
  /** Classifies errors; default core's `rpcErrorKind`. */
  classify?: (error: unknown) => RpcErrorKind
  sleep?: (ms: number) => Promise<void>
}

/**
 * Searches a block range from its newest block back, one query per range of `span.blocks`,
 * and resolves the first thing `query` finds (undefined when the whole range holds nothing):
 * core's one paged search (`searchBlockRanges`, newest first, stopping at the first find).
 * Public RPC nodes cap `eth_getLogs` in blocks or in results, each its own way and often
 * unannounced; so a refused range is halved (down to `minBlocks`), answered ranges let the span
 * double again (up to `maxBlocks`), and transient errors are retried with backoff before the
 * search gives up; a refusal that states the node's cap cuts the span to it at once. The newest blocks first, because what is sought is most likely recent.
 *
 * @throws {EventSearchError} (core's, the query's error as `cause`) when that error is neither
 *   about the range nor transient, when the node refuses even `minBlocks`, when a transient
 *   error outlasts `retries`, or after core's bound on requests.
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
  const [found] = await searchBlockRanges({
    fromBlock: p.fromBlock,
    toBlock: p.toBlock,
    newestFirst: true,
    stopAtFirst: true,
    span: p.span,
    minBlocks: p.minBlocks ?? 10n,
    maxBlocks: p.maxBlocks ?? 100_000n,
    growAfter: p.growAfter,
    retries: p.retries,
    backoffMs: p.backoffMs,
    classify: p.classify,
    sleep: p.sleep,
    read: async (fromBlock, toBlock) => {
      const one = await p.query(fromBlock, toBlock)
      return one === undefined ? [] : [one]
    },
  })
  return found
}
