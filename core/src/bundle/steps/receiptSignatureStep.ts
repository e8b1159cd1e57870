import type { Hex } from '../../bytes/hex.ts'
import { verifyReceipt } from '../../receipt/verifyReceipt.ts'
import type { BundleParts } from '../readBundle.ts'
import type { VerificationStep } from '../VerificationStep.ts'
import { Problems } from './Problems.ts'

export type ReceiptSignatureStepParameters = {
  parts: BundleParts
  /** The receipt key read from the chain (LanternRegistry), which overrides the bundle's claim. */
  trustedKey: Hex | undefined
}

/**
 * Step `receiptSignature`: the receipt's Ed25519 signature verifies under the log's receipt key:
 * the trusted one when given (and then the bundle's claim must be the same key), else the bundle's
 * claim. Internal to verifyBundle.
 *
 * Spec: RFC 8032; ARCHITECTURE.md, Formats, Receipt.
 *
 * @example receiptSignatureStep({ parts, trustedKey: undefined })
 */
export function receiptSignatureStep({
  parts,
  trustedKey,
}: ReceiptSignatureStepParameters): VerificationStep {
  const problems = new Problems()
  const claimed = parts.log?.receiptPublicKey
  if (trustedKey !== undefined && claimed !== undefined && !sameKey(claimed, trustedKey)) {
    problems.add(`the bundle claims receipt key ${claimed}, but the trusted key is ${trustedKey}`)
  }
  const key = trustedKey ?? claimed
  if (parts.receipt === undefined)
    problems.add('not checked: the receipt is malformed (see the bundle step)')
  else if (key === undefined) {
    problems.add(
      'not checked: no receipt key (log.receiptPublicKey is malformed and none is trusted)',
    )
  } else if (!verifyReceipt({ receipt: parts.receipt, publicKey: key })) {
    problems.add(`the receipt signature does not verify under key ${key}`)
  }
  return problems.step('receiptSignature', "The receipt is signed by the log's receipt key")
}

function sameKey(a: string, b: string): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()
}
