import { type CheckConsistencyParameters, checkConsistency } from './checkConsistency.ts'

export type VerifyConsistencyParameters = CheckConsistencyParameters

/**
 * True when `proof` proves that the tree of `size2` leaves with root `root2` extends the tree of
 * `size1` leaves with root `root1` (RFC 9162 §2.1.4.2). Requires 0 < size1 <= size2. Never throws:
 * malformed input gives false. Use `checkConsistency` to learn why a proof fails.
 *
 * @example
 * verifyConsistency({ size1: 6, size2: 8, root1, root2, proof }) // true
 */
export function verifyConsistency(parameters: VerifyConsistencyParameters): boolean {
  return checkConsistency(parameters).valid
}
