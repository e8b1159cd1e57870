import { canonicalBytes } from '../../jcs/canonicalBytes.ts'
import { hashLeaf } from '../../merkle/hashLeaf.ts'
import { accessRecordProblems } from '../../mtl/accessRecordProblems.ts'
import { validateMtl } from '../../mtl/validateMtl.ts'
import { type BundleParts, readBundle } from '../readBundle.ts'
import type { VerificationStep } from '../VerificationStep.ts'
import type { TrustedKeys } from '../verifyBundle.ts'
import { checkpointSignatureStep } from './checkpointSignatureStep.ts'
import { guard, guardAsync, guardStep, problemsOf } from './guard.ts'
import { inclusionStep } from './inclusionStep.ts'
import { leafHashStep } from './leafHashStep.ts'
import { errorMessage } from './Problems.ts'
import { receiptSignatureStep } from './receiptSignatureStep.ts'

/** What {@link offlineSteps} returns: the steps, and the parts the later steps read. */
export type OfflineStepsReturnType = { parts: BundleParts; steps: VerificationStep[] }

/**
 * The steps that need nothing but the bundle, in order: `bundle` (shape), `mtl` (schema),
 * `leafHash` and `inclusion`. Shared by `verifyBundle` and `verifyProof`. Never throws.
 *
 * @example const { parts, steps } = offlineSteps(JSON.parse(text))
 */
export function offlineSteps(bundle: unknown): OfflineStepsReturnType {
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
      if (!result.valid)
        return problemsOf(result.issues.map((issue) => `${issue.path}: ${issue.message}`))
      // An access record must also be the record of the chain event it names.
      return problemsOf(result.mtl.kind === 'access' ? accessRecordProblems(result.mtl) : [])
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
  return { parts, steps }
}

/**
 * The two signature steps, `checkpointSignature` and `receiptSignature`, against the trusted
 * keys when given, else the bundle's claims. Never throws.
 *
 * @example const [checkpoint, receipt] = await signatureSteps({ parts, trustedKeys })
 */
export async function signatureSteps({
  parts,
  trustedKeys,
}: {
  parts: BundleParts
  trustedKeys: TrustedKeys | undefined
}): Promise<[VerificationStep, VerificationStep]> {
  const signature = await guardAsync(
    'checkpointSignature',
    "The checkpoint is signed by the log's checkpoint signer",
    () => checkpointSignatureStep({ parts, trustedSigner: trustedKeys?.checkpointSigner }),
  )
  const receipt = guardStep(
    'receiptSignature',
    "The receipt is signed by the log's receipt key",
    () =>
      receiptSignatureStep({
        parts,
        trustedKey: trustedKeys?.receiptPublicKey,
        trustedCommitment: trustedKeys?.receiptKeyCommitment,
      }),
  )
  return [signature, receipt]
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
