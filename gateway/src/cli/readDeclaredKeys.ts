import { checkpointRegistryAbi, type Hex } from '@tml/core'
import { type Address, createPublicClient, http, zeroAddress } from 'viem'

/** A log's keys for one epoch as a trusted registry on one chain holds them. */
export type DeclaredKeys = {
  chainId: number
  checkpointSigner: Address
  /**
   * The receipt key as the chain holds it: the commitment keccak256(x ‖ y) of the P-256 key
   * (core's receiptKeyCommitment); compare a bundle's or log's full key with it.
   */
  receiptKeyCommitment: Hex
}

/**
 * Reads a log's keys from the chain, so that `tml verify` checks signatures against the log's key
 * history rather than what the bundle claims: `CheckpointRegistry.keysAt(logId, epoch)`, the
 * checkpoint signer and P-256 receipt key commitment of the key period that covers `epoch` (period 0 is the
 * keys the log was declared with; later ones are signed rotation statements relayed to the chain).
 * Chains are asked in order; the first that knows the log answers.
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
      const [signer, receiptKey] = await client.readContract({
        address: registry,
        abi: checkpointRegistryAbi,
        functionName: 'keysAt',
        args: [logId, epoch],
      })
      if (signer === zeroAddress) {
        reasons.push(`chain ${chainId}: log ${logId} is not declared`)
        continue
      }
      return { chainId, checkpointSigner: signer, receiptKeyCommitment: receiptKey }
    } catch (error) {
      reasons.push(`chain ${chainId}: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  throw new Error(`cannot read the log's keys from a trusted registry: ${reasons.join('; ')}`)
}
