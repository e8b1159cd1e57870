import type { Address } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { ReadCheckpoint } from './ReadCheckpoint.ts'
import { anchorSteps } from './steps/anchorSteps.ts'
import { failed } from './steps/guard.ts'
import { offlineSteps, signatureSteps } from './steps/offlineSteps.ts'
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
  const { parts, steps } = offlineSteps(bundle)
  const [signatures, anchors] = await Promise.all([
    signatureSteps({ parts, trustedKeys }),
    anchorSteps({ parts, readCheckpoint }).catch((error: unknown) => [
      failed('anchored', 'The checkpoint is anchored on at least one chain', error),
    ]),
  ])
  steps.push(...signatures, ...anchors)
  return { valid: steps.every((step) => step.ok), steps }
}
