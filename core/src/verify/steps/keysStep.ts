import { type Address, zeroAddress } from 'viem'
import type { BundleParts } from '../../bundle/readBundle.ts'
import { errorMessage } from '../../bundle/steps/Problems.ts'
import type { VerificationStep } from '../../bundle/VerificationStep.ts'
import type { TrustedKeys } from '../../bundle/verifyBundle.ts'
import type { Hex } from '../../bytes/hex.ts'
import { checkpointRegistryAbi } from '../../contracts/abis.ts'
import { receiptKeyMatches } from '../../receipt/receiptKeyCommitment.ts'
import type { ChainKeys } from '../ProofVerdict.ts'
import type { ReadyChain } from './chainsStep.ts'
import { makeStep } from './makeStep.ts'

export type KeysStepReturnType = {
  step: VerificationStep
  /** The keys every chain that knows the log agrees on; undefined when they do not. */
  keys: ChainKeys | undefined
  /** What the signature steps check against; undefined when there are no agreed keys. */
  trustedKeys: TrustedKeys | undefined
}

const TITLE = "Every chain holds the same keys for the log at this checkpoint's epoch"

/**
 * Step `keys`: reads `keysAt(logId, epoch)` (checkpoint signer, receipt key commitment, key
 * period) from every ready chain; the chains that know the log must all hold the same keys, and
 * at least one must know it. Keys the caller pins itself (`pinnedKeys`, e.g. from a command line)
 * must be those keys too. Internal to verifyProof.
 *
 * Spec: ICheckpointRegistry `keysAt`.
 *
 * @example const { step, trustedKeys } = await keysStep({ ready, parts, pinnedKeys: undefined })
 */
export async function keysStep({
  ready,
  parts,
  pinnedKeys,
}: {
  ready: readonly ReadyChain[]
  parts: BundleParts
  pinnedKeys: TrustedKeys | undefined
}): Promise<KeysStepReturnType> {
  const { checkpoint } = parts
  if (checkpoint === undefined) {
    return {
      step: makeStep({
        id: 'keys',
        title: TITLE,
        outcome: 'fail',
        reason: "The log's keys could not be looked up: the proof file's checkpoint is damaged.",
        detail: 'not checked: the checkpoint is malformed (see the bundle step)',
      }),
      keys: undefined,
      trustedKeys: undefined,
    }
  }
  if (ready.length === 0) {
    return {
      step: makeStep({
        id: 'keys',
        title: TITLE,
        outcome: 'fail',
        reason: "No chain could be read, so the log's keys are unknown.",
      }),
      keys: undefined,
      trustedKeys: undefined,
    }
  }
  const failures: string[] = []
  const unknown: number[] = []
  const groups = new Map<string, ChainKeys>()
  await Promise.all(
    ready.map(async (chain) => {
      try {
        const [signer, receiptKey, index] = await chain.client.readContract({
          address: chain.checkpointRegistry,
          abi: checkpointRegistryAbi,
          functionName: 'keysAt',
          args: [checkpoint.logId, checkpoint.epoch],
        })
        if (signer === zeroAddress) {
          unknown.push(chain.chainId)
          return
        }
        const key = `${signer.toLowerCase()}:${receiptKey.toLowerCase()}:${index}`
        const group = groups.get(key)
        if (group) group.chainIds.push(chain.chainId)
        else
          groups.set(key, {
            checkpointSigner: signer as Address,
            receiptKeyCommitment: receiptKey as Hex,
            keyPeriod: index,
            chainIds: [chain.chainId],
          })
      } catch (error) {
        failures.push(`chain ${chain.chainId}: keysAt failed: ${errorMessage(error)}`)
      }
    }),
  )
  for (const group of groups.values()) group.chainIds.sort((a, b) => a - b)
  const all = [...groups.values()].sort((a, b) => (a.chainIds[0] ?? 0) - (b.chainIds[0] ?? 0))
  const describe = (g: ChainKeys) =>
    `chain ${g.chainIds.join(', ')}: signer ${g.checkpointSigner}, receipt key commitment ${g.receiptKeyCommitment}, key period ${g.keyPeriod}`
  const unknownNote =
    unknown.length > 0 ? `; chain ${unknown.sort((a, b) => a - b).join(', ')}: log unknown` : ''
  const fail = (reason: string, detail: string) => ({
    step: makeStep({ id: 'keys', title: TITLE, outcome: 'fail', reason, detail }),
    keys: undefined,
    trustedKeys: undefined,
  })
  if (failures.length > 0)
    return fail(
      "The log's keys could not be read from every chain.",
      [...failures, ...all.map(describe)].join('; ') + unknownNote,
    )
  if (all.length === 0)
    return fail(
      'None of the checked chains knows this log: it was never declared there.',
      `log ${checkpoint.logId} epoch ${checkpoint.epoch}${unknownNote}`,
    )
  if (all.length > 1)
    return fail(
      `The chains disagree on the log's keys (chains ${all.map((g) => g.chainIds.join(', ')).join(' vs ')}): someone told them different stories, so no signature can be trusted.`,
      all.map(describe).join('; ') + unknownNote,
    )
  const keys = all[0] as ChainKeys
  const pinnedProblems: string[] = []
  if (
    pinnedKeys?.checkpointSigner !== undefined &&
    pinnedKeys.checkpointSigner.toLowerCase() !== keys.checkpointSigner.toLowerCase()
  )
    pinnedProblems.push(
      `the pinned signer ${pinnedKeys.checkpointSigner} is not the chains' ${keys.checkpointSigner}`,
    )
  if (
    pinnedKeys?.receiptPublicKey !== undefined &&
    !receiptKeyMatches({
      publicKey: pinnedKeys.receiptPublicKey,
      commitment: keys.receiptKeyCommitment,
    })
  )
    pinnedProblems.push(
      `the pinned receipt key does not hash to the chains' commitment ${keys.receiptKeyCommitment}`,
    )
  if (pinnedProblems.length > 0)
    return fail(
      'The keys you gave are not the ones the chains hold for this log.',
      `${pinnedProblems.join('; ')}; ${describe(keys)}`,
    )
  // A receipt keeps the key of the period it was issued in: one issued before a receipt-key
  // handover is proven in checkpoints of the next period too. Its key is then found in the
  // history the chains agree on (an earlier period), never in the bundle's word alone.
  const receiptKey = pinnedKeys?.receiptPublicKey ?? parts.log?.receiptPublicKey
  let receiptCommitment = keys.receiptKeyCommitment
  let receiptNote = ''
  if (
    receiptKey !== undefined &&
    !receiptKeyMatches({ publicKey: receiptKey, commitment: keys.receiptKeyCommitment })
  ) {
    const earlier = await earlierReceiptKey({ ready, keys, logId: checkpoint.logId, receiptKey })
    if ('problem' in earlier)
      return fail(
        earlier.problem.startsWith('the chains')
          ? "The chains do not give one answer for the log's key history."
          : "The log's key history could not be read from every chain.",
        earlier.problem,
      )
    if (earlier.period !== undefined) {
      receiptCommitment = earlier.period.receiptKey
      receiptNote = `; the receipt's key is that of key period ${earlier.period.index} (${earlier.period.receiptKey}), which began at epoch ${earlier.period.fromEpoch}, before this checkpoint`
    }
  }
  return {
    step: makeStep({
      id: 'keys',
      title: TITLE,
      outcome: 'pass',
      detail: describe(keys) + unknownNote + receiptNote,
    }),
    keys,
    trustedKeys: {
      checkpointSigner: keys.checkpointSigner,
      receiptKeyCommitment: receiptCommitment,
      ...(pinnedKeys?.receiptPublicKey !== undefined
        ? { receiptPublicKey: pinnedKeys.receiptPublicKey }
        : {}),
    },
  }
}

/** How many earlier key periods are searched for a receipt's key. */
const EARLIER_PERIODS = 16

type Period = { index: bigint; receiptKey: Hex; fromEpoch: bigint }

// The latest earlier period (before `keys.keyPeriod`, at most EARLIER_PERIODS back) whose receipt
// key is `receiptKey`, as every chain that agreed on the keys holds it.
async function earlierReceiptKey({
  ready,
  keys,
  logId,
  receiptKey,
}: {
  ready: readonly ReadyChain[]
  keys: ChainKeys
  logId: Hex
  receiptKey: Hex
}): Promise<{ period: Period | undefined } | { problem: string }> {
  const chains = ready.filter((c) => keys.chainIds.includes(c.chainId))
  const lowest =
    keys.keyPeriod > BigInt(EARLIER_PERIODS) ? keys.keyPeriod - BigInt(EARLIER_PERIODS) : 0n
  for (let index = keys.keyPeriod - 1n; index >= lowest; index--) {
    let agreed: Period | undefined
    for (const chain of chains) {
      let period: Period
      try {
        const read = await chain.client.readContract({
          address: chain.checkpointRegistry,
          abi: checkpointRegistryAbi,
          functionName: 'keyPeriodAt',
          args: [logId, index],
        })
        period = { index, receiptKey: read.receiptKey, fromEpoch: read.fromEpoch }
      } catch (error) {
        return {
          problem: `chain ${chain.chainId}: keyPeriodAt(${index}) failed: ${errorMessage(error)}`,
        }
      }
      if (agreed === undefined) agreed = period
      else if (
        agreed.receiptKey.toLowerCase() !== period.receiptKey.toLowerCase() ||
        agreed.fromEpoch !== period.fromEpoch
      )
        return { problem: `the chains hold different key periods ${index}` }
    }
    if (
      agreed !== undefined &&
      receiptKeyMatches({ publicKey: receiptKey, commitment: agreed.receiptKey })
    )
      return { period: agreed }
  }
  return { period: undefined }
}
