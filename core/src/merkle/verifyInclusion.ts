import { type CheckInclusionParameters, checkInclusion } from './checkInclusion.ts'

export type VerifyInclusionParameters = CheckInclusionParameters

/**
 * True when `proof` proves that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves
 * whose root is `root` (RFC 9162 §2.1.3.2). Never throws: malformed input gives false. Use
 * `checkInclusion` to learn why a proof fails.
 *
 * @example
 * verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash, proof: [], root: leafHash }) // true
 */
export function verifyInclusion(parameters: VerifyInclusionParameters): boolean {
  return checkInclusion(parameters).valid
}
