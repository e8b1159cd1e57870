import type { Address } from 'viem'
import { InvalidCheckpointSignatureError } from '../../checkpoint/InvalidCheckpointSignatureError.ts'
import { recoverCheckpointSigner } from '../../checkpoint/recoverCheckpointSigner.ts'
import type { BundleParts } from '../readBundle.ts'
import type { VerificationStep } from '../VerificationStep.ts'
import { errorMessage, Problems } from './Problems.ts'

export type CheckpointSignatureStepParameters = {
  parts: BundleParts
  /** The signer read from the chain (LanternRegistry), which overrides the bundle's claim. */
  trustedSigner: Address | undefined
}

/**
 * Step `checkpointSignature`: the checkpoint's EIP-712 signature recovers to the log's checkpoint
 * signer: the trusted one when given (and then the bundle's claim must name the same address),
 * else the bundle's claim. Internal to verifyBundle.
 *
 * Spec: EIP-712; OpenZeppelin ECDSA rules (65 bytes, low s, v = 27 or 28).
 *
 * @example await checkpointSignatureStep({ parts, trustedSigner: undefined })
 */
export async function checkpointSignatureStep({
  parts,
  trustedSigner,
}: CheckpointSignatureStepParameters): Promise<VerificationStep> {
  const problems = new Problems()
  const claimed = parts.log?.checkpointSigner
  if (
    trustedSigner !== undefined &&
    claimed !== undefined &&
    !sameAddress(claimed, trustedSigner)
  ) {
    problems.add(
      `the bundle claims checkpoint signer ${claimed}, but the trusted signer is ${trustedSigner}`,
    )
  }
  const signer = trustedSigner ?? claimed
  const { checkpoint, checkpointSignature } = parts
  if (checkpoint === undefined || checkpointSignature === undefined) {
    problems.add('not checked: the checkpoint or its signature is malformed (see the bundle step)')
  } else if (signer === undefined) {
    problems.add(
      'not checked: no checkpoint signer (log.checkpointSigner is malformed and none is trusted)',
    )
  } else {
    try {
      const recovered = await recoverCheckpointSigner({
        checkpoint,
        signature: checkpointSignature,
      })
      if (!sameAddress(recovered, signer)) {
        problems.add(`the checkpoint is signed by ${recovered}, expected ${signer}`)
      }
    } catch (error) {
      problems.add(
        error instanceof InvalidCheckpointSignatureError ? error.shortMessage : errorMessage(error),
      )
    }
  }
  return problems.step(
    'checkpointSignature',
    "The checkpoint is signed by the log's checkpoint signer",
  )
}

function sameAddress(a: string, b: string): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()
}
