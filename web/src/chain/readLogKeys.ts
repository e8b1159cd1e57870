import { checkpointRegistryAbi, type Hex, lanternRegistryAbi } from '@tml/core'
import type { Address } from 'viem'
import { zeroAddress } from 'viem'
import type { AppConfig } from '../config/AppConfig.ts'
import { errorText } from '../ui/errorText.ts'
import { publicClientFor } from './publicClientFor.ts'

export type ReadLogKeysParameters = {
  config: AppConfig
  logId: Hex
  epoch: bigint
  /** Chains to ask, in order (the bundle's anchors); the first that knows the log answers. */
  chainIds: number[]
}

/** The keys of a log as a chain's registries hold them, or why none could be read. */
export type LogKeys =
  | {
      ok: true
      chainId: number
      /** The receipt key as the chain holds it: keccak256(x ‖ y) of the P-256 key. */
      keys: { checkpointSigner: Address; receiptKeyCommitment: Hex }
      operator: Address
      name: string
      maxEpochInterval: bigint
    }
  | { ok: false; reason: string }

/**
 * Reads a log's keys from the chain, so that signatures are checked against the log's key history
 * rather than what the bundle claims: the checkpoint signer and the P-256 receipt key's commitment of the key
 * period that covers `epoch` (`CheckpointRegistry.keysAt`; period 0 is the declared keys, later
 * ones signed rotation statements), and the log's declaration (`LanternRegistry.logInfo`).
 *
 * @example
 * const read = await readLogKeys({ config, logId, epoch: 3n, chainIds: [31337] })
 * if (read.ok) await verifyBundle(bundle, { readCheckpoint, trustedKeys: read.keys })
 */
export async function readLogKeys({
  config,
  logId,
  epoch,
  chainIds,
}: ReadLogKeysParameters): Promise<LogKeys> {
  const reasons: string[] = []
  for (const chainId of [...new Set(chainIds)]) {
    const chain = config.chains.find((c) => c.chainId === chainId)
    if (!chain?.lanternRegistry || !chain.checkpointRegistry || chain.rpcUrl === undefined) {
      reasons.push(`chain ${chainId} is not configured with both registries and an RPC URL`)
      continue
    }
    try {
      const client = publicClientFor(chain)
      const [log, [signer, receiptKey]] = await Promise.all([
        client.readContract({
          address: chain.lanternRegistry.address,
          abi: lanternRegistryAbi,
          functionName: 'logInfo',
          args: [logId],
        }),
        client.readContract({
          address: chain.checkpointRegistry.address,
          abi: checkpointRegistryAbi,
          functionName: 'keysAt',
          args: [logId, epoch],
        }),
      ])
      if (log.operator === zeroAddress || signer === zeroAddress) {
        reasons.push(`log ${logId} is not declared on chain ${chainId}`)
        continue
      }
      return {
        ok: true,
        chainId,
        keys: { checkpointSigner: signer, receiptKeyCommitment: receiptKey },
        operator: log.operator,
        name: log.name,
        maxEpochInterval: log.maxEpochInterval,
      }
    } catch (error) {
      reasons.push(`reading chain ${chainId} failed: ${errorText(error)}`)
    }
  }
  return { ok: false, reason: reasons.join('; ') || 'the bundle names no chain' }
}
