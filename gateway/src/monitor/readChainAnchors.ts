import { type Checkpoint, checkpointRegistryAbi, type Hex } from '@tml/core'
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

/** Most blocks asked for in one `eth_getLogs`; halved while a provider refuses the range. */
export const MAX_LOG_RANGE = 5_000n

/**
 * The `CheckpointAnchored` events of log `logId` in blocks [fromBlock, toBlock] of a pinned
 * registry, each with the signature taken from its transaction (`anchor(checkpoint, proof,
 * signature)`): the event carries the checkpoint but not the signature, which a report needs.
 * Never searches before the chain's own `fromBlock` (its registry's deployment block), whatever
 * the caller asks: this is the monitor's one rule for where searches start.
 * A decoded call whose checkpoint is not the event's is ignored (its signature is not this one's).
 * Ranges that a provider refuses are halved, down to one block.
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
  let start = fromBlock > chain.fromBlock ? fromBlock : chain.fromBlock
  let range = MAX_LOG_RANGE
  while (start <= toBlock) {
    const end = start + range - 1n < toBlock ? start + range - 1n : toBlock
    let events: Awaited<ReturnType<typeof getEvents>>
    try {
      events = await getEvents(chain, logId, start, end)
    } catch (error) {
      if (range === 1n) throw error
      range /= 2n
      continue
    }
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
    start = end + 1n
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
