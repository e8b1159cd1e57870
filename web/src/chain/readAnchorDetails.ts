import { type BundleAnchor, type CheckpointJson, checkpointRegistryAbi } from '@tml/core'
import { type Hex, isAddressEqual, parseEventLogs } from 'viem'
import type { AppConfig } from '../config/AppConfig.ts'
import { errorText } from '../ui/errorText.ts'
import { chainById } from './chainById.ts'
import { publicClientFor } from './publicClientFor.ts'

/** What a chain says about the anchor transaction a bundle names. */
export type AnchorDetails = {
  chainId: number
  txHash: Hex
  blockNumber: bigint | undefined
  /** Block time, unix seconds. */
  blockTime: bigint | undefined
  /** True when the transaction emitted CheckpointAnchored for this checkpoint (log, epoch, root). */
  eventMatches: boolean
  /** Why the details are incomplete, when they are. */
  note: string | undefined
}

/**
 * Reads the anchor transaction a bundle names: its block, the block's time, and whether it
 * emitted `CheckpointAnchored` for the bundle's checkpoint. Informative: the verdict rests on the
 * registry's view (`checkpointHashAt`), which no transaction hash can fake. Never throws.
 *
 * @example const details = await readAnchorDetails({ config, anchor, checkpoint })
 */
export async function readAnchorDetails({
  config,
  anchor,
  checkpoint,
}: {
  config: AppConfig
  anchor: BundleAnchor
  checkpoint: CheckpointJson
}): Promise<AnchorDetails> {
  const details: AnchorDetails = {
    chainId: anchor.chainId,
    txHash: anchor.txHash,
    blockNumber: undefined,
    blockTime: undefined,
    eventMatches: false,
    note: undefined,
  }
  try {
    const chain = chainById(config, anchor.chainId)
    const client = publicClientFor(chain)
    const receipt = await client.getTransactionReceipt({ hash: anchor.txHash })
    details.blockNumber = receipt.blockNumber
    const block = await client.getBlock({ blockNumber: receipt.blockNumber })
    details.blockTime = block.timestamp
    const registry = chain.checkpointRegistry?.address
    const events = parseEventLogs({
      abi: checkpointRegistryAbi,
      eventName: 'CheckpointAnchored',
      logs: receipt.logs,
    })
    details.eventMatches = events.some(
      (e) =>
        registry !== undefined &&
        isAddressEqual(e.address, registry) &&
        e.args.logId.toLowerCase() === checkpoint.logId.toLowerCase() &&
        e.args.epoch === BigInt(checkpoint.epoch) &&
        e.args.rootHash.toLowerCase() === checkpoint.rootHash.toLowerCase(),
    )
    if (!details.eventMatches)
      details.note = 'this transaction did not anchor this checkpoint (the registry view decides)'
    else if (receipt.blockNumber !== BigInt(anchor.blockNumber))
      details.note = `the bundle says block ${anchor.blockNumber}`
  } catch (error) {
    details.note = `transaction not read: ${errorText(error)}`
  }
  return details
}
