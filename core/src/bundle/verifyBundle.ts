import type { Address } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import { canonicalBytes } from '../jcs/canonicalBytes.ts'
import { hashLeaf } from '../merkle/hashLeaf.ts'
import { validateMtl } from '../mtl/validateMtl.ts'
import type { ReadCheckpoint } from './ReadCheckpoint.ts'
import { type BundleParts, readBundle } from './readBundle.ts'
import { anchorSteps } from './steps/anchorSteps.ts'
import { checkpointSignatureStep } from './steps/checkpointSignatureStep.ts'
import { inclusionStep } from './steps/inclusionStep.ts'
import { leafHashStep } from './steps/leafHashStep.ts'
import { errorMessage, Problems } from './steps/Problems.ts'
import { receiptSignatureStep } from './steps/receiptSignatureStep.ts'
import type { VerificationStep } from './VerificationStep.ts'

/** Keys the caller read from the chain's LanternRegistry; they override the bundle's claims. */
export type TrustedKeys = {
  checkpointSigner?: Address | undefined
  /** A full P-256 receipt public key (65 bytes) the caller trusts, e.g. given on a command line. */
  receiptPublicKey?: Hex | undefined
  /**
   * The receipt key as the chain holds it: the commitment `keccak256(x ‖ y)`
   * (`receiptKeyCommitment`). The bundle's full key must hash to it.
   */
  receiptKeyCommitment?: Hex | undefined
}

export type VerifyBundleParameters = {
  /** Reads a chain's CheckpointRegistry; also decides which registries are trusted. */
  readCheckpoint: ReadCheckpoint
  /**
   * The log's keys as the chain has them. When given, a key overrides the bundle's claim, and a
   * bundle that claims another key fails that step.
   */
  trustedKeys?: TrustedKeys | undefined
}

/** The verdict of {@link verifyBundle}: valid only if every step is ok. */
export type VerifyBundleReturnType = { valid: boolean; steps: VerificationStep[] }

/** Most issues and MTL issues quoted in one step's reason. */
const QUOTED_ISSUES = 10

/**
 * Verifies a `tml-proof/1` bundle: that its MTL is in a checkpoint that the chains hold, signed by
 * the log. The steps, in this order:
 * `bundle` (shape), `mtl` (schema), `leafHash` (receipt and leaf index match the MTL),
 * `inclusion` (RFC 9162 proof of the MTL's leaf against the checkpoint root),
 * `checkpointSignature` (EIP-712), `receiptSignature` (P-256), one `anchor:<chainId>` per anchor
 * (the chain's registry holds the checkpoint's struct hash for its epoch) and `anchored` (at
 * least one chain confirms). Every step runs even after an earlier one fails, as far as its own
 * inputs are well-formed, so that a verifier sees every failure; each failure says what was
 * expected and what was found. Never throws, whatever the bundle or the reader do.
 *
 * Spec: ARCHITECTURE.md, Formats, Proof bundle; RFC 9162 §2.1.3.2; EIP-712; FIPS 186-5 (P-256); RFC 8785.
 *
 * @example
 * const { valid, steps } = await verifyBundle(JSON.parse(text), { readCheckpoint, trustedKeys })
 * for (const step of steps) console.log(step.ok ? '✓' : '✗', step.title, step.reason ?? '')
 */
export async function verifyBundle(
  bundle: unknown,
  { readCheckpoint, trustedKeys }: VerifyBundleParameters,
): Promise<VerifyBundleReturnType> {
  const steps: VerificationStep[] = []
  let parts: BundleParts = {}

  steps.push(
    guard('bundle', 'The bundle is well-formed (tml-proof/1)', () => {
      const read = readBundle(bundle)
      parts = read.parts
      return problemsOf(read.issues.map((issue) => `${issue.path}: ${issue.message}`))
    }),
  )
  steps.push(
    guard('mtl', 'The MTL follows the mtl/1 schema', () => {
      if (parts.mtl === undefined) return problemsOf(['not checked: the bundle has no MTL object'])
      const result = validateMtl(parts.mtl)
      return problemsOf(
        result.valid ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`),
      )
    }),
  )

  const mtlHash = hashMtlObject(parts.mtl)
  steps.push(
    guardStep('leafHash', 'The receipt and the leaf index match the MTL', () =>
      leafHashStep({ parts, mtlHash }),
    ),
  )
  steps.push(
    guardStep('inclusion', "The MTL is in the checkpoint's tree", () =>
      inclusionStep({ parts, mtlHash }),
    ),
  )

  const [signature, anchors] = await Promise.all([
    guardAsync(
      'checkpointSignature',
      "The checkpoint is signed by the log's checkpoint signer",
      () => checkpointSignatureStep({ parts, trustedSigner: trustedKeys?.checkpointSigner }),
    ),
    anchorSteps({ parts, readCheckpoint }).catch((error: unknown) => [
      failed('anchored', 'The checkpoint is anchored on at least one chain', error),
    ]),
  ])
  steps.push(signature)
  steps.push(
    guardStep('receiptSignature', "The receipt is signed by the log's receipt key", () =>
      receiptSignatureStep({
        parts,
        trustedKey: trustedKeys?.receiptPublicKey,
        trustedCommitment: trustedKeys?.receiptKeyCommitment,
      }),
    ),
  )
  steps.push(...anchors)
  return { valid: steps.every((step) => step.ok), steps }
}

// The leaf hash of whatever object the bundle carries, valid MTL or not: the leafHash and
// inclusion steps can then say whether that object is what the receipt and the tree commit to.
function hashMtlObject(mtl: Record<string, unknown> | undefined): Uint8Array | { reason: string } {
  if (mtl === undefined) return { reason: 'no MTL object' }
  try {
    return hashLeaf(canonicalBytes(mtl))
  } catch (error) {
    return { reason: errorMessage(error) }
  }
}

function problemsOf(reasons: string[]): Problems {
  const problems = new Problems()
  const quoted = reasons.slice(0, QUOTED_ISSUES)
  for (const reason of quoted) problems.add(reason)
  if (reasons.length > quoted.length) problems.add(`and ${reasons.length - quoted.length} more`)
  return problems
}

// Each step is guarded on its own: a hostile bundle (getters, proxies) or a bug in one step must
// fail that step, not the whole verification.
function guard(id: string, title: string, run: () => Problems): VerificationStep {
  try {
    return run().step(id, title)
  } catch (error) {
    return failed(id, title, error)
  }
}

function guardStep(id: string, title: string, run: () => VerificationStep): VerificationStep {
  try {
    return run()
  } catch (error) {
    return failed(id, title, error)
  }
}

async function guardAsync(
  id: string,
  title: string,
  run: () => Promise<VerificationStep>,
): Promise<VerificationStep> {
  try {
    return await run()
  } catch (error) {
    return failed(id, title, error)
  }
}

function failed(id: string, title: string, error: unknown): VerificationStep {
  return { id, title, ok: false, reason: `could not be checked: ${errorMessage(error)}` }
}
