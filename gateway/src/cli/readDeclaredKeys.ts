import type { Hex } from '@tml/core'
import { type Address, createPublicClient, http, isAddress, parseAbi, zeroAddress } from 'viem'

const ABI = parseAbi([
  'function signerAt(bytes32 logId, uint64 epoch) view returns (address)',
  'function lantern() view returns (address)',
  // Field order of ILanternRegistry.Log.
  'struct Log { address operator; uint64 maxEpochInterval; uint64 declaredAt; bool retired; address signer; bytes32 receiptKey; string name; }',
  'function logInfo(bytes32 logId) view returns (Log)',
])

/** A log's keys as a trusted registry on one chain declares them. */
export type DeclaredKeys = {
  chainId: number
  checkpointSigner: Address
  receiptPublicKey: Hex
}

/**
 * Reads a log's keys from the chain, so that `tml verify` checks signatures against what the
 * operator declared rather than what the bundle claims: the checkpoint signer in charge of
 * `epoch` (`CheckpointRegistry.signerAt`, which keeps rotated-away signers for their epochs) and
 * the Ed25519 receipt key (`LanternRegistry.logInfo`, the LanternRegistry being the one the
 * trusted CheckpointRegistry is bound to). Chains are asked in order; the first that knows the
 * log answers.
 *
 * @throws {Error} naming each chain and why it could not answer.
 * @example await readDeclaredKeys({ logId, epoch: 3n, chains: [{ chainId: 31337, rpcUrl, registry }] })
 */
export async function readDeclaredKeys({
  logId,
  epoch,
  chains,
}: {
  logId: Hex
  epoch: bigint
  chains: { chainId: number; rpcUrl: string; registry: Address }[]
}): Promise<DeclaredKeys> {
  const reasons: string[] = []
  for (const { chainId, rpcUrl, registry } of chains) {
    try {
      const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 1 }) })
      const actual = await client.getChainId()
      if (actual !== chainId) {
        reasons.push(`chain ${chainId}: the RPC answers as chain ${actual}`)
        continue
      }
      const [signer, lantern] = await Promise.all([
        client.readContract({
          address: registry,
          abi: ABI,
          functionName: 'signerAt',
          args: [logId, epoch],
        }),
        client.readContract({ address: registry, abi: ABI, functionName: 'lantern' }),
      ])
      if (!isAddress(lantern) || lantern === zeroAddress) {
        reasons.push(`chain ${chainId}: the registry ${registry} is bound to no LanternRegistry`)
        continue
      }
      const log = await client.readContract({
        address: lantern,
        abi: ABI,
        functionName: 'logInfo',
        args: [logId],
      })
      if (signer === zeroAddress || log.operator === zeroAddress) {
        reasons.push(`chain ${chainId}: log ${logId} is not declared`)
        continue
      }
      return { chainId, checkpointSigner: signer, receiptPublicKey: log.receiptKey }
    } catch (error) {
      reasons.push(`chain ${chainId}: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  throw new Error(`cannot read the log's keys from a trusted registry: ${reasons.join('; ')}`)
}
