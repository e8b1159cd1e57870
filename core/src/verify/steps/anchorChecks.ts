import { zeroHash } from 'viem'
import type { BundleAnchor } from '../../bundle/ProofBundle.ts'
import type { BundleParts } from '../../bundle/readBundle.ts'
import { errorMessage } from '../../bundle/steps/Problems.ts'
import type { VerificationStep } from '../../bundle/VerificationStep.ts'
import type { Hex } from '../../bytes/hex.ts'
import { checkpointStructHash } from '../../checkpoint/checkpointStructHash.ts'
import { checkpointRegistryAbi } from '../../contracts/abis.ts'
import type { UncheckedChain } from '../ProofVerdict.ts'
import type { ReadyChain } from './chainsStep.ts'
import { makeStep } from './makeStep.ts'

export type AnchorChecksReturnType = {
  /** `anchor:<chainId>` steps (ascending chain id), then `agreement` and `anchored`. */
  steps: VerificationStep[]
  /** The chains whose registry holds exactly the bundle's checkpoint. */
  confirmed: ReadyChain[]
  /** Chains of the bundle's anchors that were not read. */
  unchecked: UncheckedChain[]
}

/**
 * Steps `anchor:<chainId>`, `agreement` and `anchored`. Every ready chain's registry is asked
 * for the checkpoint hash of the bundle's epoch (`checkpointHashAt`). A chain of the bundle's
 * anchors must hold the bundle's checkpoint; a ready chain the bundle does not name gets a step
 * only if it holds that epoch. Every chain that holds the epoch must hold the same checkpoint
 * (`agreement`: a difference is a fork, and names the chains); at least one chain must confirm
 * the bundle's (`anchored`). A chain of the bundle without a ready client is `unchecked`.
 * Internal to verifyProof.
 *
 * Spec: ICheckpointRegistry `checkpointHashAt`; `checkpointStructHash`.
 *
 * @example const { steps, confirmed } = await anchorChecks({ ready, parts, unreachable })
 */
export async function anchorChecks({
  ready,
  parts,
  unreachable,
}: {
  ready: readonly ReadyChain[]
  parts: BundleParts
  unreachable: readonly UncheckedChain[]
}): Promise<AnchorChecksReturnType> {
  const anchors = parts.anchors ?? []
  const { checkpoint } = parts
  const expected = checkpoint === undefined ? undefined : checkpointStructHash(checkpoint)
  const held = new Map<number, Hex | { error: string }>()
  if (checkpoint !== undefined) {
    await Promise.all(
      ready.map(async (chain) => {
        try {
          const hash = await chain.client.readContract({
            address: chain.checkpointRegistry,
            abi: checkpointRegistryAbi,
            functionName: 'checkpointHashAt',
            args: [checkpoint.logId, checkpoint.epoch],
          })
          held.set(chain.chainId, hash.toLowerCase() as Hex)
        } catch (error) {
          held.set(chain.chainId, { error: errorMessage(error) })
        }
      }),
    )
  }
  const ids = [...new Set([...anchors.map((a) => a.chainId), ...ready.map((c) => c.chainId)])]
  ids.sort((a, b) => a - b)
  const steps: VerificationStep[] = []
  const confirmed: ReadyChain[] = []
  const unchecked: UncheckedChain[] = []
  const epoch = checkpoint?.epoch
  for (const chainId of ids) {
    const id = `anchor:${chainId}`
    const title = `The checkpoint is anchored on chain ${chainId}`
    const anchor = anchors.find((a) => a.chainId === chainId)
    const chain = ready.find((c) => c.chainId === chainId)
    if (chain === undefined) {
      // Only a chain of the bundle's anchors gets here.
      const why =
        unreachable.find((u) => u.chainId === chainId)?.reason ??
        'the verifier has no connection configured for it'
      unchecked.push({ chainId, reason: why })
      steps.push(
        makeStep({
          id,
          title,
          outcome: 'unchecked',
          reason: `Not checked: the proof says it is anchored on chain ${chainId}, but ${why}.`,
        }),
      )
      continue
    }
    if (checkpoint === undefined || expected === undefined) {
      steps.push(
        makeStep({
          id,
          title,
          outcome: 'fail',
          reason: "Not checked: the proof file's checkpoint is damaged.",
          detail: 'not checked: the checkpoint is malformed (see the bundle step)',
        }),
      )
      continue
    }
    const hash = held.get(chainId)
    const registryNote = registryDetail(anchor, chain)
    if (hash === undefined || typeof hash !== 'string') {
      steps.push(
        makeStep({
          id,
          title,
          outcome: 'fail',
          reason: `Chain ${chainId} could not be asked whether it holds this checkpoint.`,
          detail: `reading chain ${chainId} failed: ${hash?.error ?? 'no answer'}${registryNote}`,
        }),
      )
      continue
    }
    if (hash === zeroHash) {
      if (anchor === undefined) continue // a configured chain that never anchored this epoch
      steps.push(
        makeStep({
          id,
          title,
          outcome: 'fail',
          reason: `The proof says this checkpoint is anchored on chain ${chainId}, but that chain does not hold it.`,
          detail: `epoch ${epoch} not anchored on chain ${chainId} (CheckpointRegistry ${chain.checkpointRegistry})${registryNote}`,
        }),
      )
      continue
    }
    if (hash !== expected) {
      steps.push(
        makeStep({
          id,
          title,
          outcome: 'fail',
          reason: `Chain ${chainId} holds a different checkpoint for this epoch: the proof's checkpoint (its root, size or time) is not the one anchored.`,
          detail: `chain ${chainId} holds checkpoint hash ${hash} for epoch ${epoch}, the bundle's checkpoint hashes to ${expected} (another tree size, root or time)${registryNote}`,
        }),
      )
      continue
    }
    confirmed.push(chain)
    steps.push(
      makeStep({
        id,
        title,
        outcome: 'pass',
        detail: `chain ${chainId} holds checkpoint hash ${hash} for epoch ${epoch}${
          anchor === undefined ? ' (the bundle does not list this chain)' : ''
        }${registryNote}`,
      }),
    )
  }
  steps.push(agreementStep({ held, epoch }))
  steps.push(
    confirmed.length > 0
      ? makeStep({
          id: 'anchored',
          title: 'The checkpoint is anchored on at least one chain',
          outcome: 'pass',
          detail: `confirmed on chain ${confirmed.map((c) => c.chainId).join(', ')}`,
        })
      : makeStep({
          id: 'anchored',
          title: 'The checkpoint is anchored on at least one chain',
          outcome: 'fail',
          reason:
            ready.length === 0
              ? 'No chain could be checked, so nothing shows that this checkpoint was published.'
              : 'No checked chain holds this checkpoint: nothing shows that it was published.',
          detail:
            anchors.length === 0
              ? 'the bundle has no well-formed anchor'
              : `no anchor is confirmed (chains ${anchors.map((a) => a.chainId).join(', ')})`,
        }),
  )
  return { steps, confirmed, unchecked }
}

function registryDetail(anchor: BundleAnchor | undefined, chain: ReadyChain): string {
  if (
    anchor === undefined ||
    anchor.registry.toLowerCase() === chain.checkpointRegistry.toLowerCase()
  )
    return ''
  return `; the bundle names registry ${anchor.registry}, the trusted ${chain.checkpointRegistry} was read`
}

function agreementStep({
  held,
  epoch,
}: {
  held: ReadonlyMap<number, Hex | { error: string }>
  epoch: bigint | undefined
}): VerificationStep {
  const title = 'Every chain that holds this epoch holds the same checkpoint'
  const byHash = new Map<string, number[]>()
  for (const [chainId, hash] of held) {
    if (typeof hash !== 'string' || hash === zeroHash) continue
    byHash.set(
      hash,
      [...(byHash.get(hash) ?? []), chainId].sort((a, b) => a - b),
    )
  }
  const detail = [...byHash]
    .sort(([, a], [, b]) => (a[0] ?? 0) - (b[0] ?? 0))
    .map(([hash, chains]) => `chain ${chains.join(', ')}: ${hash}`)
    .join('; ')
  if (epoch === undefined)
    return makeStep({
      id: 'agreement',
      title,
      outcome: 'fail',
      reason: "Not checked: the proof file's checkpoint is damaged.",
    })
  if (byHash.size > 1) {
    // In chain order, whichever chain answered first: the same fork reads the same every time.
    const groups = [...byHash.values()]
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
      .map((chains) => chains.join(', '))
    return makeStep({
      id: 'agreement',
      title,
      outcome: 'fail',
      reason: `Chains ${groups.join(' and ')} hold different checkpoints for epoch ${epoch}: the log told them different stories.`,
      detail: `checkpoint hashes of epoch ${epoch}: ${detail}`,
    })
  }
  return makeStep({ id: 'agreement', title, outcome: 'pass', detail })
}
