import type { Checkpoint, Hex } from '@tml/core'

/** A checkpoint as the sequencer stored it, with the log signer's EIP-712 signature. */
export type StoredCheckpoint = {
  epoch: number
  treeSize: number
  rootHash: Hex
  /** Unix seconds when the epoch closed (the signed `timestamp`). */
  timestamp: number
  /** 65-byte EIP-712 signature of the checkpoint by the log's checkpoint signer. */
  signature: Hex
  /** Unix ms when the checkpoint was stored (for latency measurements and health). */
  createdMs: number
}

/** A checkpoint the sequencer committed to but had not signed yet when it stopped. */
export type CheckpointIntent = Omit<StoredCheckpoint, 'signature' | 'createdMs'>

/** A stored checkpoint (or intent) of log `logId` as the registry's struct (and core's EIP-712 types) have it. */
export function toCheckpoint(logId: Hex, cp: CheckpointIntent): Checkpoint {
  return {
    logId,
    epoch: BigInt(cp.epoch),
    treeSize: BigInt(cp.treeSize),
    rootHash: cp.rootHash,
    timestamp: BigInt(cp.timestamp),
  }
}

/**
 * Where one checkpoint stands on one chain. `pending`: not sent (or to be sent again);
 * `sent`: a transaction is out (`txHash`, `nonce`); `confirmed`: the registry holds the epoch
 * with our root and the transaction has the chain's required confirmations; `skipped`: the
 * chain's head passed the epoch without it (a later checkpoint was anchored first), so it can
 * never be anchored there.
 */
export type AnchorStatus = 'pending' | 'sent' | 'confirmed' | 'skipped'

/** The anchor state of one checkpoint on one chain's registry. */
export type AnchorRecord = {
  epoch: number
  chainId: number
  registry: Hex
  status: AnchorStatus
  txHash: Hex | null
  nonce: number | null
  blockNumber: number | null
  confirmations: number
  /** Sends so far (re-sends after a drop or a reorg included). */
  attempts: number
  lastError: string | null
  updatedMs: number
}

/** An OpenTimestamps proof of a checkpoint digest from one calendar. */
export type OtsRecord = {
  epoch: number
  calendar: string
  /** The serialized `.ots` file. */
  ots: Uint8Array
  /** True once upgraded to a Bitcoin attestation (no pending attestation left to upgrade). */
  complete: boolean
  updatedMs: number
}

/**
 * A receipt-key handover: from sequence number `fromSeq` on, receipts are signed with the receipt
 * key of key period `period`, and epoch `epoch` (the last one of the previous receipt key) closes
 * at tree size `fromSeq` exactly, so that each key signs the receipts of its own epochs only.
 */
export type ReceiptHandover = { period: number; fromSeq: number; epoch: number }

/**
 * Storage of the anchoring lane: the log's tree nodes, its signed checkpoints, the anchor state
 * per chain and epoch, and OpenTimestamps proofs. SQLite keeps it beside the Always Memory entries
 * (the same file, its own connection); PostgreSQL keeps it in the log's database, shared by every
 * replica. It reads nothing but its own tables.
 *
 * Every method returns a promise, since a database server answers over the network; nothing
 * counts as done before the promise resolves.
 *
 * Guarantees every implementation gives:
 * - **Durable on resolve**: every write is committed (fsync) before its promise resolves; a
 *   rejected write left nothing behind.
 * - **Atomic**: `putNodes` writes all of its nodes or none; `putCheckpoint` stores the signed
 *   checkpoint and drops its intent in one transaction.
 * - **Write-once evidence**: a node, an intent or a checkpoint, once written, never changes: a
 *   second write of the same node is ignored, and `putIntent`/`putCheckpoint` refuse an epoch
 *   that already holds a different value (so the log can never sign two checkpoints for one
 *   epoch). Where several processes share the store (PostgreSQL replicas), the database itself
 *   refuses it (keys and constraints), so that two racing writers cannot both succeed.
 * - **Reads see resolved writes**: a read started after a write resolved sees it (from any
 *   connection).
 * - **One writer**: one sequencer and one anchorer per chain write at a time (replicas elect
 *   one); reads may run at any time, from any connection.
 *
 * `getNodes` serves core's `NodeStore` directly (its reads may be asynchronous).
 */
export interface AnchorStore {
  /** Number of leaves whose nodes are stored (the sequencer's tree size). */
  treeSize(): Promise<number>
  /** Stores perfect-subtree nodes (level 0 = leaf hashes), all or none. */
  putNodes(nodes: readonly { level: number; index: number; hash: Uint8Array }[]): Promise<void>
  /** Hashes of `ids`, in order; rejects when one is missing (core's `NodeStore`). */
  getNodes(ids: readonly { level: number; index: number }[]): Promise<Uint8Array[]>
  /** The unsigned checkpoint the sequencer committed to, if its signature is not stored yet. */
  intent(): Promise<CheckpointIntent | undefined>
  /**
   * Commits the checkpoint the sequencer will sign for `intent.epoch`; the same intent again is a
   * no-op, a different one (or an epoch already signed) is refused.
   */
  putIntent(intent: CheckpointIntent): Promise<void>
  /**
   * Stores a signed checkpoint and drops its intent, in one transaction; the same checkpoint
   * again is a no-op, a different one for a stored epoch is refused.
   */
  putCheckpoint(checkpoint: StoredCheckpoint): Promise<void>
  checkpoint(epoch: number): Promise<StoredCheckpoint | undefined>
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>
  /** Checkpoints with `fromEpoch <= epoch`, in order, at most `limit`. */
  checkpoints(fromEpoch: number, limit: number): Promise<StoredCheckpoint[]>
  /** The first checkpoint whose tree holds leaf `seq` (tree size > seq). */
  firstCheckpointHolding(seq: number): Promise<StoredCheckpoint | undefined>
  anchor(epoch: number, chainId: number, registry: Hex): Promise<AnchorRecord | undefined>
  /** Anchor records of one chain's registry, by epoch. */
  anchors(chainId: number, registry: Hex): Promise<AnchorRecord[]>
  /** Anchor records of one epoch, every chain. */
  anchorsOf(epoch: number): Promise<AnchorRecord[]>
  /** Creates or replaces the anchor state of one epoch on one chain (it is state, not evidence). */
  putAnchor(record: AnchorRecord): Promise<void>
  /** Creates or replaces one calendar's proof of one epoch (upgrades replace it). */
  putOts(record: OtsRecord): Promise<void>
  otsOf(epoch: number): Promise<OtsRecord[]>
  /** OTS proofs not complete yet (to upgrade). */
  pendingOts(): Promise<OtsRecord[]>
  /** Receipt-key handovers, by period. */
  receiptHandovers(): Promise<ReceiptHandover[]>
  /**
   * Records a handover durably, before the committer signs anything with the new key; refuses one
   * for a period already handed over, or not after the last one.
   */
  putReceiptHandover(handover: ReceiptHandover): Promise<void>
  /** Releases the connection (or pool) the store opened itself. */
  close(): Promise<void>
}

/**
 * True when two signed checkpoints are the same one: {@link sameCheckpoint}, and the same
 * signature (hex in either case). Storing a checkpoint again is a no-op only then.
 */
export function sameSignedCheckpoint(a: StoredCheckpoint, b: StoredCheckpoint): boolean {
  return sameCheckpoint(a, b) && a.signature.toLowerCase() === b.signature.toLowerCase()
}

/** True when two checkpoints (or intents) commit to the same epoch, tree and time. */
export function sameCheckpoint(a: CheckpointIntent, b: CheckpointIntent): boolean {
  return (
    a.epoch === b.epoch &&
    a.treeSize === b.treeSize &&
    a.rootHash.toLowerCase() === b.rootHash.toLowerCase() &&
    a.timestamp === b.timestamp
  )
}
