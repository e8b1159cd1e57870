import type { Hex } from '../bytes/hex.ts'

/**
 * A signed statement of a log's state at the end of one epoch: the log's tree of `treeSize`
 * leaves has root `rootHash`. The uint64 fields are bigints so that the whole uint64 range of
 * the Solidity struct round-trips.
 *
 * Spec: the `Checkpoint` struct of EIP-712 typed data in ARCHITECTURE.md (Formats), signed under
 * the domain {@link CHECKPOINT_DOMAIN}.
 *
 * @example
 * const cp: Checkpoint = { logId: '0x…32 bytes', epoch: 1n, treeSize: 3n, rootHash: '0x…', timestamp: 1767225600n }
 */
export type Checkpoint = {
  /** bytes32 assigned when the log was declared on chain. */
  logId: Hex
  /** uint64; epochs count 1, 2, 3 … with no gaps. */
  epoch: bigint
  /** uint64; number of leaves in the tree; never shrinks. */
  treeSize: bigint
  /** bytes32; RFC 9162 root of the first `treeSize` leaves. */
  rootHash: Hex
  /** uint64; unix time in seconds when the sequencer closed the epoch. */
  timestamp: bigint
}

/**
 * The JSON form of a {@link Checkpoint}, as it appears in proof bundles and APIs: the uint64 fields
 * are JSON numbers, which must be non-negative safe integers (≤ 2^53 − 1) so that every JSON
 * reader sees the same value. Hex fields are lower case once parsed.
 *
 * @example
 * checkpointFromJson(JSON.parse(text)) // Checkpoint
 */
export type CheckpointJson = {
  logId: Hex
  epoch: number
  treeSize: number
  rootHash: Hex
  timestamp: number
}
