import { isAddress } from 'viem'
import type { BundleParts } from '../bundle/readBundle.ts'
import { offlineSteps, signatureSteps } from '../bundle/steps/offlineSteps.ts'
import type { VerificationStep } from '../bundle/VerificationStep.ts'
import type { TrustedKeys } from '../bundle/verifyBundle.ts'
import type { Hex } from '../bytes/hex.ts'
import type { BitcoinHeaderSource } from '../ots/verifyOtsBitcoin.ts'
import { receiptKeyMatches } from '../receipt/receiptKeyCommitment.ts'
import { InvalidVerifierConfigError } from './InvalidVerifierConfigError.ts'
import type { AnchoredOn, ProofStatus, ProofVerdict, UncheckedChain } from './ProofVerdict.ts'
import { PLAIN_REASONS } from './plainReasons.ts'
import { readAnchoredOn } from './readAnchoredOn.ts'
import { anchorChecks } from './steps/anchorChecks.ts'
import { bitcoinStep } from './steps/bitcoinStep.ts'
import { chainsStep } from './steps/chainsStep.ts'
import { keysStep } from './steps/keysStep.ts'
import { lanternSteps } from './steps/lanternSteps.ts'
import { logStatusStep } from './steps/logStatusStep.ts'
import { makeStep, plainStep } from './steps/makeStep.ts'
import { resolutionStep } from './steps/resolutionStep.ts'
import type { VerifierChain } from './VerifierChain.ts'

export type VerifyProofParameters = {
  /** The bundle as parsed from JSON: untrusted, any value. */
  bundle: unknown
  /** The verifier's own chains: one client and pinned registries per chain. */
  chains: readonly VerifierChain[]
  /**
   * Use the registries the bundle names instead of pinned ones (a chain's `checkpointRegistry`
   * may then be omitted). The verdict says so (`trust: 'bundle'`): it then shows that the bundle
   * is consistent and anchored where it says, not that those are the operator's registries.
   */
  trustBundle?: boolean | undefined
  /**
   * Keys the caller pins itself (a command line's `--signer`, `--receipt-key`): they must be the
   * keys the chains hold; a full receipt key is then used instead of the bundle's.
   */
  pinnedKeys?: TrustedKeys | undefined
  /** Called once per step, as it completes (so in completion order, not verdict order). */
  onStep?: ((step: VerificationStep) => void) | undefined
  /**
   * Bitcoin block headers by height (an Esplora-compatible source), to check the `.ots`
   * attestation; without it the `ots` step is `unchecked`.
   */
  bitcoin?: BitcoinHeaderSource | undefined
}

/**
 * Verifies a `tml-proof/1` bundle against the chains, trusting nothing but the verifier's own
 * configuration: the one verifier of the page and of `tml verify`.
 *
 * Trust rules: registries are the configured (pinned) ones, never the bundle's, unless
 * `trustBundle`; the log's keys for the checkpoint's epoch (`keysAt`) are read from every
 * configured chain and must agree, and the signatures are checked against them, never against
 * the bundle's claim; every chain that holds the checkpoint's epoch must hold the same checkpoint
 * hash; a chain of the bundle's anchors with no configured client is `unchecked`, not failed; a
 * log proven compromised on any chain fails. The operator's Lantern and whether its certification
 * covers the MTL's policy are stated (`notice` when not), without deciding authenticity.
 *
 * Steps, in verdict order: `bundle`, `mtl`, `leafHash`, `inclusion` (offline, as
 * `verifyBundle`), `chains`, `keys`, `checkpointSignature`, `receiptSignature`, one
 * `anchor:<chainId>` per chain (ascending), `agreement`, `anchored`, `logStatus`, `lantern`,
 * `policy`, `resolution` (resolution MTLs only), `ots`. Each failing step has a plain-language
 * `reason` and the technical `detail`. Reads only through the given clients; never throws on
 * the bundle or on a chain's answer.
 *
 * Spec: ARCHITECTURE.md, Formats, Proof bundle; ICheckpointRegistry, ILanternRegistry.
 *
 * @throws {InvalidVerifierConfigError} when `chains` is unusable (a chain twice, a bad address,
 *   no pinned registry without `trustBundle`).
 * @example
 * const verdict = await verifyProof({
 *   bundle: JSON.parse(text),
 *   chains: [{ chainId: 31337, client, checkpointRegistry: '0xe7f1…' }],
 *   onStep: (step) => console.log(step.outcome, step.title),
 * })
 * verdict.status // 'valid' | 'valid-with-unchecked' | 'invalid'
 */
export async function verifyProof({
  bundle,
  chains,
  trustBundle = false,
  pinnedKeys,
  onStep,
  bitcoin,
}: VerifyProofParameters): Promise<ProofVerdict> {
  checkConfig(chains, trustBundle)
  const emit = (step: VerificationStep): VerificationStep => {
    try {
      onStep?.(step)
    } catch {
      // A caller's display must not change the verdict.
    }
    return step
  }

  const offline = offlineSteps(bundle)
  const { parts } = offline
  const [bundleStep, mtlStep, leafHash, inclusion] = offline.steps.map((step) =>
    emit(plainStep(step, PLAIN_REASONS[step.id as keyof typeof PLAIN_REASONS] ?? step.title)),
  ) as [VerificationStep, VerificationStep, VerificationStep, VerificationStep]

  // The Bitcoin timestamp needs no chain: start it now.
  const ots = bitcoinStep({
    ots: parts.ots,
    rootHash: parts.checkpoint?.rootHash,
    fetchHeader: bitcoin,
  }).then(emit)

  const chainsResult = await chainsStep({ chains, parts, trustBundle })
  emit(chainsResult.step)
  const { ready, unreachable } = chainsResult

  const anchorsPromise = anchorChecks({ ready, parts, unreachable }).then((result) => {
    for (const step of result.steps) emit(step)
    return result
  })
  const logPromise = logStatusStep({ ready, parts }).then((result) => {
    emit(result.step)
    return result
  })
  const lanternPromise = lanternSteps({ ready, parts }).then((result) => {
    for (const step of result.steps) emit(step)
    return result
  })

  const keys = await keysStep({ ready, parts, pinnedKeys })
  emit(keys.step)
  let signatures: VerificationStep[]
  if (keys.trustedKeys === undefined) {
    signatures = [
      makeStep({
        id: 'checkpointSignature',
        title: "The checkpoint is signed by the log's checkpoint signer",
        outcome: 'fail',
        reason: PLAIN_REASONS.signaturesUnchecked,
        detail: 'not checked: no agreed keys (see the keys step)',
      }),
      makeStep({
        id: 'receiptSignature',
        title: "The receipt is signed by the log's receipt key",
        outcome: 'fail',
        reason: PLAIN_REASONS.signaturesUnchecked,
        detail: 'not checked: no agreed keys (see the keys step)',
      }),
    ].map(emit)
  } else {
    signatures = (await signatureSteps({ parts, trustedKeys: keys.trustedKeys })).map((step) =>
      emit(plainStep(step, PLAIN_REASONS[step.id as 'checkpointSignature' | 'receiptSignature'])),
    )
  }

  const resolution = await resolutionStep({
    mtl: mtlStep.ok ? (parts.mtl as { kind: string } | undefined) : undefined,
    policy: parts.policy,
    receiptPublicKey: trustedReceiptKey(parts, keys.trustedKeys),
  }).then((step) => (step === undefined ? undefined : emit(step)))

  const [anchors, log, lantern, otsResult] = await Promise.all([
    anchorsPromise,
    logPromise,
    lanternPromise,
    ots,
  ])
  const checkpoint = parts.checkpoint
  const anchoredOn: AnchoredOn[] =
    checkpoint === undefined
      ? []
      : await Promise.all(
          anchors.confirmed.map((chain) =>
            readAnchoredOn({
              chain,
              checkpoint,
              anchor: parts.anchors?.find((a) => a.chainId === chain.chainId),
            }),
          ),
        )

  const steps: VerificationStep[] = [
    bundleStep,
    mtlStep,
    leafHash,
    inclusion,
    chainsResult.step,
    keys.step,
    ...signatures,
    ...anchors.steps,
    log.step,
    ...lantern.steps,
    ...(resolution === undefined ? [] : [resolution]),
    otsResult,
  ]
  const unchecked: UncheckedChain[] = anchors.unchecked
  const valid = steps.every((step) => step.ok)
  const anyUnchecked = steps.some((step) => step.outcome === 'unchecked')
  const status: ProofStatus = !valid ? 'invalid' : anyUnchecked ? 'valid-with-unchecked' : 'valid'
  const checkedChains = ready.map((c) => c.chainId)
  return {
    valid,
    status,
    steps,
    trust: trustBundle ? 'bundle' : 'pinned',
    checkedChains,
    unchecked,
    summary: summarize({ checkedChains, unchecked, steps, trustBundle }),
    anchoredOn,
    keys: keys.keys,
    log: log.log,
    lanterns: lantern.lanterns,
  }
}

// The full receipt key the verifier may trust: the pinned one, else the bundle's once it hashes
// to the commitment the chains agree on.
function trustedReceiptKey(parts: BundleParts, keys: TrustedKeys | undefined): Hex | undefined {
  if (keys === undefined) return undefined
  if (keys.receiptPublicKey !== undefined) return keys.receiptPublicKey
  const claimed = parts.log?.receiptPublicKey
  if (
    claimed !== undefined &&
    keys.receiptKeyCommitment !== undefined &&
    receiptKeyMatches({ publicKey: claimed, commitment: keys.receiptKeyCommitment })
  )
    return claimed
  return undefined
}

function summarize({
  checkedChains,
  unchecked,
  steps,
  trustBundle,
}: {
  checkedChains: number[]
  unchecked: UncheckedChain[]
  steps: VerificationStep[]
  trustBundle: boolean
}): string {
  const parts: string[] = []
  parts.push(
    checkedChains.length === 0
      ? 'No chain was checked'
      : `Checked on chain ${checkedChains.join(', ')} (${trustBundle ? 'the registries the bundle names, trusted on request' : 'pinned registries'})`,
  )
  if (unchecked.length > 0)
    parts.push(
      `not checked: ${unchecked.map((u) => `chain ${u.chainId} (${u.reason})`).join(', ')}`,
    )
  const other = steps.filter((s) => s.outcome === 'unchecked' && !s.id.startsWith('anchor:'))
  if (other.length > 0) parts.push(`also not checked: ${other.map((s) => s.id).join(', ')}`)
  return `${parts.join('; ')}.`
}

function checkConfig(chains: readonly VerifierChain[], trustBundle: boolean): void {
  if (!Array.isArray(chains))
    throw new InvalidVerifierConfigError('chains must be an array of VerifierChain')
  const seen = new Set<number>()
  for (const chain of chains) {
    const { chainId, client, checkpointRegistry, lanternRegistry, fromBlock } = chain ?? {}
    if (!Number.isSafeInteger(chainId) || (chainId as number) <= 0)
      throw new InvalidVerifierConfigError(`chain id ${String(chainId)} is not a positive integer`)
    if (seen.has(chainId))
      throw new InvalidVerifierConfigError(`chain ${chainId} is configured twice`)
    seen.add(chainId)
    if (typeof client?.readContract !== 'function' || typeof client.getChainId !== 'function')
      throw new InvalidVerifierConfigError(`chain ${chainId} has no public client`)
    if (checkpointRegistry === undefined && !trustBundle)
      throw new InvalidVerifierConfigError(
        `chain ${chainId} has no pinned checkpointRegistry (pin one, or pass trustBundle)`,
      )
    for (const [name, address] of [
      ['checkpointRegistry', checkpointRegistry],
      ['lanternRegistry', lanternRegistry],
    ] as const)
      if (address !== undefined && !isAddress(address, { strict: false }))
        throw new InvalidVerifierConfigError(
          `chain ${chainId}: ${name} ${address} is not an address`,
        )
    if (fromBlock !== undefined && (typeof fromBlock !== 'bigint' || fromBlock < 0n))
      throw new InvalidVerifierConfigError(
        `chain ${chainId}: fromBlock ${String(fromBlock)} is not a block number (a bigint ≥ 0)`,
      )
  }
}
