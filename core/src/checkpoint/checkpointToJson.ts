import { assertCheckpoint } from './assertCheckpoint.ts'
import type { Checkpoint, CheckpointJson } from './Checkpoint.ts'
import { InvalidCheckpointError } from './InvalidCheckpointError.ts'

/**
 * The JSON form of a {@link Checkpoint}: bigints become JSON numbers, hex becomes lower case.
 *
 * Spec: ARCHITECTURE.md, Formats, Checkpoint (uint64 fields as safe-integer JSON numbers).
 *
 * @throws {InvalidCheckpointError} when the checkpoint is malformed or a uint64 field is above
 *   2^53 − 1, which JSON numbers cannot carry exactly.
 * @example
 * JSON.stringify(checkpointToJson(checkpoint))
 */
export function checkpointToJson(checkpoint: Checkpoint): CheckpointJson {
  assertCheckpoint(checkpoint)
  const issues: { path: string; message: string }[] = []
  for (const key of ['epoch', 'treeSize', 'timestamp'] as const) {
    if (checkpoint[key] > BigInt(Number.MAX_SAFE_INTEGER)) {
      issues.push({
        path: `$.${key}`,
        message: `${checkpoint[key]} is above 2^53 - 1 and has no exact JSON number`,
      })
    }
  }
  if (issues.length > 0) throw new InvalidCheckpointError(issues)
  return {
    logId: checkpoint.logId.toLowerCase() as CheckpointJson['logId'],
    epoch: Number(checkpoint.epoch),
    treeSize: Number(checkpoint.treeSize),
    rootHash: checkpoint.rootHash.toLowerCase() as CheckpointJson['rootHash'],
    timestamp: Number(checkpoint.timestamp),
  }
}
