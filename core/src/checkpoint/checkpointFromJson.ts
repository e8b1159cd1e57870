import type { Checkpoint } from './Checkpoint.ts'
import { InvalidCheckpointError } from './InvalidCheckpointError.ts'
import { validateCheckpointJson } from './validateCheckpointJson.ts'

/**
 * Parses the JSON form of a checkpoint (from a bundle or an API) into a {@link Checkpoint} with
 * bigint fields and lower-case hex.
 *
 * Spec: ARCHITECTURE.md, Formats, Checkpoint.
 *
 * @throws {InvalidCheckpointError} listing every issue (see {@link validateCheckpointJson}).
 * @example
 * checkpointFromJson({ logId: '0x…', epoch: 1, treeSize: 3, rootHash: '0x…', timestamp: 1767225600 })
 * // { logId: '0x…', epoch: 1n, treeSize: 3n, rootHash: '0x…', timestamp: 1767225600n }
 */
export function checkpointFromJson(value: unknown): Checkpoint {
  const result = validateCheckpointJson(value)
  if (!result.valid) throw new InvalidCheckpointError(result.issues)
  const { logId, epoch, treeSize, rootHash, timestamp } = result.checkpoint
  return {
    logId,
    epoch: BigInt(epoch),
    treeSize: BigInt(treeSize),
    rootHash,
    timestamp: BigInt(timestamp),
  }
}
