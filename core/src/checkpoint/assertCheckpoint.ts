import { isHex } from '../bytes/hex.ts'
import type { Checkpoint } from './Checkpoint.ts'
import { describeValue } from './describeValue.ts'
import { InvalidCheckpointError } from './InvalidCheckpointError.ts'

const UINT64_MAX = 2n ** 64n - 1n

/**
 * Asserts that a {@link Checkpoint} fits its Solidity struct: `logId` and `rootHash` are 32-byte
 * hex, and the uint64 fields are bigints in [0, 2^64 − 1]. A value outside the range would be
 * hashed differently (or not at all) by the contract, so it is refused before signing or hashing.
 *
 * Spec: EIP-712 `encodeData` of `bytes32` and `uint64` members.
 *
 * @throws {InvalidCheckpointError} listing every issue.
 * @example
 * assertCheckpoint({ logId, epoch: 1n, treeSize: 3n, rootHash, timestamp: 1767225600n })
 */
export function assertCheckpoint(checkpoint: Checkpoint): void {
  const issues: { path: string; message: string }[] = []
  for (const key of ['logId', 'rootHash'] as const) {
    if (!isHex(checkpoint[key], 32)) {
      issues.push({
        path: `$.${key}`,
        message: `expected 32-byte 0x hex, got ${describeValue(checkpoint[key])}`,
      })
    }
  }
  for (const key of ['epoch', 'treeSize', 'timestamp'] as const) {
    const field: unknown = checkpoint[key]
    if (typeof field !== 'bigint' || field < 0n || field > UINT64_MAX) {
      issues.push({
        path: `$.${key}`,
        message: `expected a uint64 bigint, got ${describeValue(field)}`,
      })
    }
  }
  if (issues.length > 0) throw new InvalidCheckpointError(issues)
}
