import { type Address, zeroAddress, zeroHash } from 'viem'
import type { BundleParts } from '../../bundle/readBundle.ts'
import { errorMessage } from '../../bundle/steps/Problems.ts'
import type { VerificationStep } from '../../bundle/VerificationStep.ts'
import { type Hex, isHex } from '../../bytes/hex.ts'
import { lanternRegistryAbi } from '../../contracts/abis.ts'
import type { LanternReasonName, LanternView } from '../ProofVerdict.ts'
import type { ReadyChain } from './chainsStep.ts'
import { makeStep } from './makeStep.ts'

const REASONS: readonly LanternReasonName[] = [
  'None',
  'NeverCertified',
  'Expired',
  'Revoked',
  'LogStale',
  'LogEquivocated',
]

/** Why a Lantern is dark, in words, by `LanternReason`. */
export const LANTERN_REASON_TEXT: Record<LanternReasonName, string> = {
  None: 'certified, and every log anchors on time',
  NeverCertified: 'never certified',
  Expired: 'its certification expired',
  Revoked: 'its certification was revoked',
  LogStale: 'a log of the operator has not anchored within its maximum epoch interval',
  LogEquivocated: 'a log of the operator was caught contradicting itself',
}

const LANTERN_TITLE = "The operator's Lantern is lit"
const POLICY_TITLE = "The operator's certification covers this decision's policy"

/**
 * Steps `lantern` and `policy`: on every ready chain whose LanternRegistry declares the log
 * (`logInfo`), the operator's Lantern (`lanternStatus`: lit, or dark and why) and whether its
 * certification in force covers the MTL's `policy_hash` (`isCertifiedPolicy`). Neither decides
 * whether the record is authentic: a dark Lantern or an uncovered policy is a `notice`, which a
 * reader must see. Internal to verifyProof.
 *
 * Spec: ILanternRegistry `logInfo`, `lanternStatus`, `isCertifiedPolicy`.
 *
 * @example const { steps, lanterns } = await lanternSteps({ ready, parts })
 */
export async function lanternSteps({
  ready,
  parts,
}: {
  ready: readonly ReadyChain[]
  parts: BundleParts
}): Promise<{ steps: [VerificationStep, VerificationStep]; lanterns: LanternView[] }> {
  const logId = parts.checkpoint?.logId
  const policy = parts.mtl?.policy_hash
  const policyHash = isHex(policy, 32) ? (policy.toLowerCase() as Hex) : undefined
  const lanterns: LanternView[] = []
  const failures: string[] = []
  if (logId !== undefined) {
    await Promise.all(
      ready.map(async (chain) => {
        const read = { address: chain.lanternRegistry, abi: lanternRegistryAbi } as const
        try {
          const log = await chain.client.readContract({
            ...read,
            functionName: 'logInfo',
            args: [logId],
          })
          if (log.operator === zeroAddress) return
          const [[lit, reason, faultyLog], certified] = await Promise.all([
            chain.client.readContract({
              ...read,
              functionName: 'lanternStatus',
              args: [log.operator],
            }),
            policyHash === undefined
              ? Promise.resolve(undefined)
              : chain.client.readContract({
                  ...read,
                  functionName: 'isCertifiedPolicy',
                  args: [log.operator, policyHash],
                }),
          ])
          const name = REASONS[reason] ?? 'NeverCertified'
          lanterns.push({
            chainId: chain.chainId,
            lanternRegistry: chain.lanternRegistry,
            operator: log.operator as Address,
            logName: log.name,
            lit,
            reason: name,
            reasonText: LANTERN_REASON_TEXT[name],
            faultyLog: faultyLog === zeroHash ? undefined : faultyLog,
            policyHash,
            policyCertified: certified,
          })
        } catch (error) {
          failures.push(
            `chain ${chain.chainId}: LanternRegistry ${chain.lanternRegistry}: ${errorMessage(error)}`,
          )
        }
      }),
    )
  }
  lanterns.sort((a, b) => a.chainId - b.chainId)
  const lanternDetail = [
    ...lanterns.map(
      (l) =>
        `chain ${l.chainId}: operator ${l.operator}, log "${l.logName}": ${l.lit ? 'lit' : `dark (${l.reason})`}`,
    ),
    ...failures,
  ].join('; ')
  let lantern: VerificationStep
  if (lanterns.length === 0) {
    lantern = makeStep({
      id: 'lantern',
      title: LANTERN_TITLE,
      outcome: 'unchecked',
      reason:
        logId === undefined
          ? "Not checked: the proof file's checkpoint is damaged."
          : "The operator's Lantern could not be read on any checked chain.",
      detail: lanternDetail,
    })
  } else {
    const dark = lanterns.filter((l) => !l.lit)
    lantern =
      dark.length === 0 && failures.length === 0
        ? makeStep({ id: 'lantern', title: LANTERN_TITLE, outcome: 'pass', detail: lanternDetail })
        : makeStep({
            id: 'lantern',
            title: LANTERN_TITLE,
            outcome: 'notice',
            reason:
              dark.length > 0
                ? `The operator's Lantern is dark on ${dark
                    .map((l) => `chain ${l.chainId} (${l.reasonText})`)
                    .join(', ')}: the operator is not in good standing, whatever this record says.`
                : "The operator's Lantern could not be read on every chain.",
            detail: lanternDetail,
          })
  }
  const uncovered = lanterns.filter((l) => l.policyCertified === false)
  const policyDetail = `policy_hash ${policyHash ?? '(none)'}; ${lanterns
    .map((l) => `chain ${l.chainId}: ${l.policyCertified ? 'covered' : 'not covered'}`)
    .join('; ')}`
  let policyStep: VerificationStep
  if (policyHash === undefined || lanterns.length === 0)
    policyStep = makeStep({
      id: 'policy',
      title: POLICY_TITLE,
      outcome: 'unchecked',
      reason:
        policyHash === undefined
          ? 'Not checked: the record has no readable policy hash.'
          : "Not checked: the operator's certification could not be read.",
    })
  else if (uncovered.length > 0)
    policyStep = makeStep({
      id: 'policy',
      title: POLICY_TITLE,
      outcome: 'notice',
      reason: `The policy this decision was made under is not one the operator's certification in force covers (chain ${uncovered
        .map((l) => l.chainId)
        .join(', ')}).`,
      detail: policyDetail,
    })
  else
    policyStep = makeStep({
      id: 'policy',
      title: POLICY_TITLE,
      outcome: 'pass',
      detail: policyDetail,
    })
  return { steps: [lantern, policyStep], lanterns }
}
