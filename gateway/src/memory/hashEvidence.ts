import { canonicalize, type Hex, type Sha256, utf8ToBytes } from '@tml/core'

/** Parameters of {@link hashEvidence}. */
export type HashEvidenceParameters = {
  /** Pseudonymized `input`, `context` and `signals` of the request. */
  evidence: { input: unknown; context: unknown; signals: unknown }
  hash: Sha256
}

/**
 * The MTL's `input_hash`: SHA-256 of the RFC 8785 form of the pseudonymized request evidence
 * `{ context, input, signals }`. Hashing all three (not just `input`) is what makes forensic
 * replay possible: whoever holds the request and the subject's secret recomputes the hash, and
 * re-running the engine under the policy of `policy_hash` gives the logged state again.
 *
 * Spec: RFC 8785; Sacred Pause Protocol §9.1 (input snapshot as a hash), §12.2 (scrub first).
 *
 * @throws {JcsError} when the evidence has no RFC 8785 form (e.g. a lone surrogate in a string).
 * @example
 * hashEvidence({ evidence: { input: { text: 'hello' }, context: {}, signals: { confidence: 0.99 } }, hash: nodeSha256 })
 */
export function hashEvidence({ evidence, hash }: HashEvidenceParameters): Hex {
  return toHex(hash(utf8ToBytes(canonicalize(evidence))))
}

/** SHA-256 of the RFC 8785 form of any JSON value (the pseudonymized output). */
export function hashJson(value: unknown, hash: Sha256): Hex {
  return toHex(hash(utf8ToBytes(canonicalize(value))))
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}
