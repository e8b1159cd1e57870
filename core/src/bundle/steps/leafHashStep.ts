import { bytesToHex } from '../../bytes/hex.ts'
import { describeValue } from '../../checkpoint/describeValue.ts'
import type { BundleParts } from '../readBundle.ts'
import type { VerificationStep } from '../VerificationStep.ts'
import { Problems } from './Problems.ts'

export type LeafHashStepParameters = {
  parts: BundleParts
  /** hashMtl(mtl), or why the MTL could not be hashed. */
  mtlHash: Uint8Array | { reason: string }
}

/**
 * Step `leafHash`: the receipt is about this MTL (leaf hash, log, trace id and sequence number
 * equal the MTL's) and the bundle's leaf index is the MTL's `seq`. Internal to verifyBundle.
 *
 * Spec: ARCHITECTURE.md, Formats (leaf hash = SHA-256(0x00 ‖ JCS(mtl)); seq is the leaf index).
 *
 * @example leafHashStep({ parts, mtlHash }) // { id: 'leafHash', ok: true, … }
 */
export function leafHashStep({ parts, mtlHash }: LeafHashStepParameters): VerificationStep {
  const problems = new Problems()
  const { mtl, receipt, leafIndex } = parts
  if (mtl === undefined) problems.add('not checked: the bundle has no MTL object')
  else {
    if (mtlHash instanceof Uint8Array) {
      if (receipt !== undefined)
        mismatch(
          problems,
          'receipt.leafHash',
          receipt.leafHash,
          'hashMtl(mtl)',
          bytesToHex(mtlHash),
        )
    } else problems.add(`the MTL cannot be hashed: ${mtlHash.reason}`)
    if (receipt === undefined)
      problems.add('receipt not checked: it is malformed (see the bundle step)')
    else {
      mismatch(problems, 'receipt.logId', receipt.logId, 'mtl.log_id', mtl.log_id)
      mismatch(problems, 'receipt.traceId', receipt.traceId, 'mtl.trace_id', mtl.trace_id)
      mismatch(problems, 'receipt.seq', receipt.seq, 'mtl.seq', mtl.seq)
    }
    if (leafIndex === undefined)
      problems.add('leafIndex not checked: it is malformed (see the bundle step)')
    else mismatch(problems, 'leafIndex', leafIndex, 'mtl.seq', mtl.seq)
  }
  return problems.step('leafHash', 'The receipt and the leaf index match the MTL')
}

function mismatch(
  problems: Problems,
  what: string,
  got: unknown,
  reference: string,
  expected: unknown,
) {
  if (got !== expected) {
    problems.add(
      `${what} ${describeValue(got)} does not match ${reference} ${describeValue(expected)}`,
    )
  }
}
