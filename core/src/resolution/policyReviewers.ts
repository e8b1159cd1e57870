import { bytesToHex, type Hex } from '../bytes/hex.ts'
import { describeValue } from '../checkpoint/describeValue.ts'
import { sha256 } from '../hash/sha256.ts'
import { canonicalBytes } from '../jcs/canonicalBytes.ts'

/** Largest policy document read, in canonical bytes: the gateway refuses larger policy files. */
const MAX_POLICY_BYTES = 256 * 1024
/** Most reviewers read from one policy, as the gateway's policy validator allows. */
const MAX_REVIEWERS = 1000
const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** What {@link policyReviewers} returns: the listed reviewers, or why the document is not usable. */
export type PolicyReviewersReturnType =
  | { reviewers: Hex[]; problem?: undefined }
  | { reviewers?: undefined; problem: string }

/**
 * The reviewers a policy document lists, once the document is shown to be the policy an MTL
 * names: SHA-256 of its RFC 8785 bytes must equal `policyHash` (the MTL's `policy_hash`, which is
 * how the gateway hashes the policy YAML as parsed). The document itself is untrusted (it comes
 * with the proof bundle); the hash binds it to the logged record, and whether the operator's
 * Lantern certifies that policy hash is a separate check (`isCertifiedPolicy` on chain). A policy
 * without `reviewers` lists none.
 *
 * Spec: docs/formats.md, Policy and Pause resolutions; RFC 8785.
 *
 * @example
 * const { reviewers, problem } = policyReviewers({ policy: bundle.policy, policyHash: mtl.policy_hash })
 */
export function policyReviewers({
  policy,
  policyHash,
}: {
  /** The policy document as JSON (the YAML document as parsed). */
  policy: unknown
  policyHash: Hex
}): PolicyReviewersReturnType {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy))
    return { problem: `the policy is not an object, got ${describeValue(policy)}` }
  let bytes: Uint8Array
  try {
    bytes = canonicalBytes(policy)
  } catch (e) {
    return { problem: `the policy is not canonical JSON: ${(e as Error).message.split('\n')[0]}` }
  }
  if (bytes.length > MAX_POLICY_BYTES)
    return { problem: `the policy is larger than ${MAX_POLICY_BYTES} bytes` }
  const hash = bytesToHex(sha256(bytes))
  if (hash !== policyHash.toLowerCase())
    return { problem: `the policy's hash is ${hash}, but the record names policy ${policyHash}` }
  const listed = (policy as Record<string, unknown>).reviewers
  if (listed === undefined) return { reviewers: [] }
  if (!Array.isArray(listed) || listed.length > MAX_REVIEWERS)
    return { problem: `the policy's reviewers are not a list of at most ${MAX_REVIEWERS}` }
  const reviewers: Hex[] = []
  for (const [i, r] of listed.entries()) {
    if (typeof r !== 'string' || !ADDRESS.test(r))
      return { problem: `reviewers[${i}] is not an address, got ${describeValue(r)}` }
    reviewers.push(r.toLowerCase() as Hex)
  }
  return { reviewers }
}
