import { utf8ToBytes } from '../bytes/utf8.ts'
import { canonicalize } from './canonicalize.ts'

/**
 * The UTF-8 bytes of {@link canonicalize}'s text: what is hashed and signed.
 *
 * Spec: RFC 8785 §3.2.4 (the canonical form is UTF-8 encoded).
 *
 * @throws {JcsError} on any value that has no RFC 8785 form (see {@link canonicalize}).
 * @example
 * hashLeaf(canonicalBytes(mtl)) // the RFC 9162 leaf hash of an MTL
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalize(value))
}
