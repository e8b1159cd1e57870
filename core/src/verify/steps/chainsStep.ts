import type { Address } from 'viem'
import type { BundleParts } from '../../bundle/readBundle.ts'
import { errorMessage } from '../../bundle/steps/Problems.ts'
import type { VerificationStep } from '../../bundle/VerificationStep.ts'
import { checkpointRegistryAbi } from '../../contracts/abis.ts'
import { type BlockSpan, DEFAULT_MAX_BLOCKS } from '../../rpc/searchBlockRanges.ts'
import type { UncheckedChain } from '../ProofVerdict.ts'
import type { VerifierChain, VerifierClient } from '../VerifierChain.ts'
import { makeStep } from './makeStep.ts'

/** A configured chain that answered as configured, with the registries the verifier reads. */
export type ReadyChain = {
  chainId: number
  client: VerifierClient
  checkpointRegistry: Address
  /** `checkpointRegistry.lantern()` (equal to the pinned one when pinned). */
  lanternRegistry: Address
  /** First block of every event search on this chain (`VerifierChain.fromBlock`, else 0). */
  fromBlock: bigint
  /** The `eth_getLogs` span of this chain's RPC (`VerifierChain.eventSpan`, else a fresh one). */
  eventSpan: BlockSpan
}

export type ChainsStepReturnType = {
  step: VerificationStep
  ready: ReadyChain[]
  /**
   * Configured chains that are not read: their RPC did not answer (which alone is not a failure)
   * or they failed the check (which fails this step).
   */
  unreachable: UncheckedChain[]
}

/**
 * Step `chains`: every configured chain's client answers with the configured chain id, and its
 * CheckpointRegistry answers `lantern()` (equal to the pinned LanternRegistry, when pinned). With
 * `trustBundle`, a chain's registry is the one the bundle's anchor names for it. A client that does
 * not answer at all leaves its chain unchecked; a wrong chain id or registry fails. Internal to
 * verifyProof.
 *
 * @example const { step, ready } = await chainsStep({ chains, parts, trustBundle: false })
 */
export async function chainsStep({
  chains,
  parts,
  trustBundle,
}: {
  chains: readonly VerifierChain[]
  parts: BundleParts
  trustBundle: boolean
}): Promise<ChainsStepReturnType> {
  const problems: { chainId: number; plain: string; detail: string }[] = []
  const unreachable: UncheckedChain[] = []
  const ready: ReadyChain[] = []
  await Promise.all(
    chains.map(async (chain) => {
      const anchor = parts.anchors?.find((a) => a.chainId === chain.chainId)
      const registry = trustBundle
        ? (anchor?.registry ?? chain.checkpointRegistry)
        : chain.checkpointRegistry
      if (registry === undefined) return // trustBundle, and nothing names a registry here
      let actual: number
      try {
        actual = await chain.client.getChainId()
      } catch (error) {
        unreachable.push({
          chainId: chain.chainId,
          reason: `its RPC did not answer (${errorMessage(error)})`,
        })
        return
      }
      if (actual !== chain.chainId) {
        problems.push({
          chainId: chain.chainId,
          plain: `The connection configured for chain ${chain.chainId} leads to another chain.`,
          detail: `chain ${chain.chainId}: the RPC answers as chain ${actual}`,
        })
        return
      }
      let lantern: Address
      try {
        lantern = await chain.client.readContract({
          address: registry,
          abi: checkpointRegistryAbi,
          functionName: 'lantern',
        })
      } catch (error) {
        problems.push({
          chainId: chain.chainId,
          plain: `The registry trusted on chain ${chain.chainId} does not answer as a checkpoint registry.`,
          detail: `chain ${chain.chainId}: CheckpointRegistry ${registry}: lantern() failed: ${errorMessage(error)}`,
        })
        return
      }
      if (
        chain.lanternRegistry !== undefined &&
        chain.lanternRegistry.toLowerCase() !== lantern.toLowerCase()
      ) {
        problems.push({
          chainId: chain.chainId,
          plain: `On chain ${chain.chainId}, the trusted checkpoint registry belongs to another Lantern registry than the one trusted.`,
          detail: `chain ${chain.chainId}: CheckpointRegistry ${registry}.lantern() is ${lantern}, the pinned LanternRegistry is ${chain.lanternRegistry}`,
        })
        return
      }
      ready.push({
        chainId: chain.chainId,
        client: chain.client,
        checkpointRegistry: registry,
        lanternRegistry: lantern,
        // The configured deployment block is the pinned registry's, not a bundle-named one's.
        fromBlock:
          registry.toLowerCase() === chain.checkpointRegistry?.toLowerCase()
            ? (chain.fromBlock ?? 0n)
            : 0n,
        eventSpan: chain.eventSpan ?? { blocks: DEFAULT_MAX_BLOCKS },
      })
    }),
  )
  ready.sort((a, b) => a.chainId - b.chainId)
  const misconfigured = problems.map((p) => ({
    chainId: p.chainId,
    reason: 'its configuration failed the check (see the chains step)',
  }))
  unreachable.sort((a, b) => a.chainId - b.chainId)
  const title = trustBundle
    ? 'The chains answer, with the registries the bundle names (trusted: --trust-bundle)'
    : 'The chains answer as configured, with the pinned registries'
  let step: VerificationStep
  if (problems.length > 0) {
    step = makeStep({
      id: 'chains',
      title,
      outcome: 'fail',
      reason: problems.map((p) => p.plain).join(' '),
      detail: problems.map((p) => p.detail).join('; '),
    })
  } else if (unreachable.length > 0) {
    step = makeStep({
      id: 'chains',
      title,
      outcome: 'unchecked',
      reason: `Chain ${unreachable.map((u) => u.chainId).join(', ')} could not be reached, so it was not checked.`,
      detail: unreachable.map((u) => `chain ${u.chainId}: ${u.reason}`).join('; '),
    })
  } else if (ready.length === 0) {
    step = makeStep({
      id: 'chains',
      title,
      outcome: 'unchecked',
      reason: 'No chain was configured to check against.',
    })
  } else {
    step = makeStep({
      id: 'chains',
      title,
      outcome: 'pass',
      detail: ready
        .map(
          (c) =>
            `chain ${c.chainId}: CheckpointRegistry ${c.checkpointRegistry}, LanternRegistry ${c.lanternRegistry}`,
        )
        .join('; '),
    })
  }
  return { step, ready, unreachable: [...unreachable, ...misconfigured] }
}
