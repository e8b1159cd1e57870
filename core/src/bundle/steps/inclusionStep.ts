import { hexToBytes } from '../../bytes/hex.ts'
import { describeValue } from '../../checkpoint/describeValue.ts'
import { checkInclusion } from '../../merkle/checkInclusion.ts'
import type { BundleParts } from '../readBundle.ts'
import type { VerificationStep } from '../VerificationStep.ts'
import { Problems } from './Problems.ts'

export type InclusionStepParameters = {
  parts: BundleParts
  /** hashMtl(mtl), or why the MTL could not be hashed. */
  mtlHash: Uint8Array | { reason: string }
}

/**
 * Step `inclusion`: the MTL's leaf hash is leaf `leafIndex` of the checkpoint's tree (RFC 9162
 * inclusion proof against `checkpoint.rootHash` with `checkpoint.treeSize`), the bundle's
 * `treeSize` is the checkpoint's, and the checkpoint is of the MTL's log. The leaf is hashed from
 * the MTL itself, so this step alone proves that this MTL is in that tree. Internal to verifyBundle.
 *
 * Spec: RFC 9162 §2.1.3.2.
 *
 * @example inclusionStep({ parts, mtlHash }) // { id: 'inclusion', ok: true, … }
 */
export function inclusionStep({ parts, mtlHash }: InclusionStepParameters): VerificationStep {
  const problems = new Problems()
  const { mtl, checkpoint, leafIndex, treeSize, inclusionProof } = parts
  if (checkpoint === undefined)
    problems.add('not checked: the checkpoint is malformed (see the bundle step)')
  else {
    if (treeSize !== undefined && BigInt(treeSize) !== checkpoint.treeSize) {
      problems.add(
        `bundle treeSize ${treeSize} does not match checkpoint.treeSize ${checkpoint.treeSize}`,
      )
    }
    if (mtl !== undefined) {
      const logId = mtl.log_id
      if (typeof logId !== 'string' || logId.toLowerCase() !== checkpoint.logId) {
        problems.add(
          `checkpoint.logId ${describeValue(checkpoint.logId)} does not match mtl.log_id ${describeValue(logId)}`,
        )
      }
    }
    if (mtl === undefined) problems.add('proof not checked: the bundle has no MTL object')
    else if (!(mtlHash instanceof Uint8Array))
      problems.add(`proof not checked: the MTL cannot be hashed: ${mtlHash.reason}`)
    else if (leafIndex === undefined || inclusionProof === undefined) {
      problems.add(
        'proof not checked: leafIndex or inclusionProof is malformed (see the bundle step)',
      )
    } else {
      const result = checkInclusion({
        leafIndex,
        treeSize: checkpoint.treeSize,
        leafHash: mtlHash,
        proof: inclusionProof,
        root: hexToBytes(checkpoint.rootHash),
      })
      if (!result.valid) problems.add(`inclusion proof: ${result.reason}`)
    }
  }
  return problems.step('inclusion', "The MTL is in the checkpoint's tree")
}
