/** Blocks per `eth_getLogs` request: public RPC endpoints refuse wide ranges. */
export const LOG_CHUNK_BLOCKS = 50_000n

/**
 * Reads events from `fromBlock` to `toBlock` in chunks of {@link LOG_CHUNK_BLOCKS} blocks, in
 * order, so that a long history works on RPC endpoints that cap the block range.
 *
 * @example
 * const logs = await getEventsChunked({ fromBlock: 1n, toBlock: latest, read: (from, to) =>
 *   client.getContractEvents({ address, abi, eventName: 'CheckpointAnchored', fromBlock: from, toBlock: to }) })
 */
export async function getEventsChunked<T>({
  fromBlock,
  toBlock,
  read,
  chunk = LOG_CHUNK_BLOCKS,
}: {
  fromBlock: bigint
  toBlock: bigint
  read: (from: bigint, to: bigint) => Promise<T[]>
  chunk?: bigint
}): Promise<T[]> {
  const out: T[] = []
  for (let from = fromBlock; from <= toBlock; from += chunk) {
    const to = from + chunk - 1n < toBlock ? from + chunk - 1n : toBlock
    out.push(...(await read(from, to)))
  }
  return out
}
