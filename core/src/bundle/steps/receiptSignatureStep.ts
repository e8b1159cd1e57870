import type { Hex } from '../../bytes/hex.ts'
import { receiptKeyMatches } from '../../receipt/receiptKeyCommitment.ts'
import { verifyReceipt } from '../../receipt/verifyReceipt.ts'
import type { BundleParts } from '../readBundle.ts'
import type { VerificationStep } from '../VerificationStep.ts'
import { Problems } from './Problems.ts'

export type ReceiptSignatureStepParameters = {
  parts: BundleParts
  /** A full receipt public key the caller trusts, which overrides the bundle's claim. */
  trustedKey: Hex | undefined
  /**
   * The receipt key's commitment `keccak256(x ‖ y)` read from the chain (LanternRegistry): the
   * bundle's full key must hash to it.
   */
  trustedCommitment?: Hex | undefined
}

/**
 * Step `receiptSignature`: the receipt's P-256 signature verifies under the log's receipt key:
 * the trusted full key when given (and then the bundle's claim must be the same key), else the
 * bundle's claim; when the chain's commitment is given, the key used must hash to it. Internal to
 * verifyBundle.
 *
 * Spec: FIPS 186-5 (ECDSA P-256, SHA-256); ARCHITECTURE.md, Formats, Receipt.
 *
 * @example receiptSignatureStep({ parts, trustedKey: undefined, trustedCommitment: '0x…' })
 */
export function receiptSignatureStep({
  parts,
  trustedKey,
  trustedCommitment,
}: ReceiptSignatureStepParameters): VerificationStep {
  const problems = new Problems()
  const claimed = parts.log?.receiptPublicKey
  if (trustedKey !== undefined && claimed !== undefined && !sameKey(claimed, trustedKey)) {
    problems.add(`the bundle claims receipt key ${claimed}, but the trusted key is ${trustedKey}`)
  }
  const key = trustedKey ?? claimed
  if (
    trustedCommitment !== undefined &&
    key !== undefined &&
    !receiptKeyMatches({ publicKey: key, commitment: trustedCommitment })
  ) {
    problems.add(
      `the receipt key ${key} does not match the commitment ${trustedCommitment} the chain holds`,
    )
  }
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
