import { type Checkpoint, checkpointRegistryAbi, type Hex, searchBlockRanges } from '@tml/core'
import { decodeFunctionData } from 'viem'
import type { PinnedChain } from './PinnedChain.ts'

/** A checkpoint a chain anchored, with its signature when the anchoring call shows it. */
export type ChainAnchor = {
  checkpoint: Checkpoint
  /** From the `anchor` call's data; undefined when the call went through another contract. */
  signature: Hex | undefined
  txHash: Hex
  blockNumber: bigint
}

/**
 * The `CheckpointAnchored` events of log `logId` in blocks [fromBlock, toBlock] of a pinned
 * registry, each with the signature taken from its transaction (`anchor(checkpoint, proof,
 * signature)`): the event carries the checkpoint but not the signature, which a report needs.
 * Never searches before the chain's own `fromBlock` (its registry's deployment block), whatever
 * the caller asks: this is the monitor's one rule for where searches start.
 * A decoded call whose checkpoint is not the event's is ignored (its signature is not this one's).
 * Read in block ranges the RPC accepts, with core's one paged search (`searchBlockRanges`: a
 * refused range is halved or cut to the cap the node states, transient errors are retried, the
 * number of requests is bounded); its `EventSearchError` says where and why a search stopped.
 *
 * @example
 * const anchors = await readChainAnchors({ chain, logId, fromBlock: 0n, toBlock: 120n })
 */
export async function readChainAnchors({
  chain,
  logId,
  fromBlock,
  toBlock,
  withSignatures = true,
}: {
  chain: PinnedChain
  logId: Hex
  fromBlock: bigint
  toBlock: bigint
  /** Read each anchoring transaction for its signature (default); false skips those reads. */
  withSignatures?: boolean
}): Promise<ChainAnchor[]> {
  const found: ChainAnchor[] = []
  const start = fromBlock > chain.fromBlock ? fromBlock : chain.fromBlock
  if (start > toBlock) return found
  const events = await searchBlockRanges({
    fromBlock: start,
    toBlock,
    span: chain.eventSpan,
    read: (from, to) => getEvents(chain, logId, from, to),
  })
  for (const event of events) {
    const { epoch, treeSize, rootHash, timestamp } = event.args
    if (
      epoch === undefined ||
      treeSize === undefined ||
      rootHash === undefined ||
      timestamp === undefined
    )
      continue
    const checkpoint: Checkpoint = { logId, epoch, treeSize, rootHash, timestamp }
    found.push({
      checkpoint,
      signature: withSignatures
        ? await signatureOf(chain, event.transactionHash, checkpoint)
        : undefined,
      txHash: event.transactionHash,
      blockNumber: event.blockNumber,
    })
  }
  return found
}

function getEvents(chain: PinnedChain, logId: Hex, fromBlock: bigint, toBlock: bigint) {
  return chain.client.getContractEvents({
    address: chain.registry,
    abi: checkpointRegistryAbi,
    eventName: 'CheckpointAnchored',
    args: { logId },
    fromBlock,
    toBlock,
    strict: true,
  })
}

async function signatureOf(
  chain: PinnedChain,
  txHash: Hex,
  checkpoint: Checkpoint,
): Promise<Hex | undefined> {
  const tx = await chain.client.getTransaction({ hash: txHash })
  if (tx.to?.toLowerCase() !== chain.registry.toLowerCase()) return undefined
  try {
    const call = decodeFunctionData({ abi: checkpointRegistryAbi, data: tx.input })
    if (call.functionName !== 'anchor') return undefined
    const [cp, , signature] = call.args
    const same =
      cp.logId.toLowerCase() === checkpoint.logId.toLowerCase() &&
      cp.epoch === checkpoint.epoch &&
      cp.treeSize === checkpoint.treeSize &&
      cp.rootHash.toLowerCase() === checkpoint.rootHash.toLowerCase() &&
      cp.timestamp === checkpoint.timestamp
    return same ? signature : undefined
  } catch {
    return undefined
  }
}
