import { parseEventLogs } from 'viem'
import type { BundleAnchor } from '../bundle/ProofBundle.ts'
import { errorMessage } from '../bundle/steps/Problems.ts'
import type { Hex } from '../bytes/hex.ts'
import type { Checkpoint } from '../checkpoint/Checkpoint.ts'
import { checkpointRegistryAbi } from '../contracts/abis.ts'
import { searchBlockRanges } from '../rpc/searchBlockRanges.ts'
import type { AnchoredOn } from './ProofVerdict.ts'
import type { ReadyChain } from './steps/chainsStep.ts'

/**
 * Where and when a chain anchored the checkpoint: the transaction that emitted
 * `CheckpointAnchored` for it from the trusted registry, its block and the block's time. The
 * bundle's transaction is tried first (one receipt); otherwise, or when it emitted no such event,
 * the registry's events of that log and epoch are searched, newest blocks first, in block ranges
 * the RPC accepts (`searchBlockRanges`, from the chain's `fromBlock`). Informative: the verdict rests on
 * `checkpointHashAt`. Never throws; what could not be read is said in `note`.
 *
 * @example const where = await readAnchoredOn({ chain, checkpoint, anchor })
 */
export async function readAnchoredOn({
  chain,
  checkpoint,
  anchor,
}: {
  chain: ReadyChain
  checkpoint: Checkpoint
  anchor: BundleAnchor | undefined
}): Promise<AnchoredOn> {
  const out: AnchoredOn = {
    chainId: chain.chainId,
    registry: chain.checkpointRegistry,
    txHash: undefined,
    blockNumber: undefined,
    blockTime: undefined,
    note: undefined,
  }
  const notes: string[] = []
  const matches = (e: {
    address: string
    args: { logId?: Hex | undefined; epoch?: bigint | undefined; rootHash?: Hex | undefined }
  }) =>
    e.address.toLowerCase() === chain.checkpointRegistry.toLowerCase() &&
    e.args.logId?.toLowerCase() === checkpoint.logId.toLowerCase() &&
    e.args.epoch === checkpoint.epoch &&
    e.args.rootHash?.toLowerCase() === checkpoint.rootHash.toLowerCase()
  try {
    if (anchor !== undefined) {
      try {
        const receipt = await chain.client.getTransactionReceipt({ hash: anchor.txHash })
        const events = parseEventLogs({
          abi: checkpointRegistryAbi,
          eventName: 'CheckpointAnchored',
          logs: receipt.logs,
        })
        if (events.some(matches)) {
          out.txHash = receipt.transactionHash
          out.blockNumber = receipt.blockNumber
        } else notes.push("the bundle's transaction did not anchor this checkpoint")
      } catch (error) {
        notes.push(`the bundle's transaction was not found (${errorMessage(error)})`)
      }
    }
    if (out.blockNumber === undefined) {
      // Newest blocks first, in ranges the RPC accepts: public nodes refuse one search from the
      // registry's deployment to the head of a long chain.
      const [event] = await searchBlockRanges({
        fromBlock: chain.fromBlock,
        toBlock: await chain.client.getBlockNumber(),
        newestFirst: true,
        stopAtFirst: true,
        span: chain.eventSpan,
        read: async (fromBlock, toBlock) =>
          (
            await chain.client.getContractEvents({
              address: chain.checkpointRegistry,
              abi: checkpointRegistryAbi,
              eventName: 'CheckpointAnchored',
              args: { logId: checkpoint.logId, epoch: checkpoint.epoch },
              fromBlock,
              toBlock,
            })
          ).filter(matches),
      })
      if (event) {
        out.txHash = event.transactionHash ?? undefined
        out.blockNumber = event.blockNumber ?? undefined
        notes.length = 0
        if (anchor !== undefined) notes.push(`the bundle names transaction ${anchor.txHash}`)
      } else notes.push('no CheckpointAnchored event found for this checkpoint')
    }
    if (out.blockNumber !== undefined) {
      if (anchor !== undefined && out.blockNumber !== BigInt(anchor.blockNumber))
        notes.push(`the bundle says block ${anchor.blockNumber}`)
      const block = await chain.client.getBlock({ blockNumber: out.blockNumber })
      out.blockTime = block.timestamp
    }
  } catch (error) {
    notes.push(`anchor details not read: ${errorMessage(error)}`)
  }
  if (notes.length > 0) out.note = notes.join('; ')
  return out
}
