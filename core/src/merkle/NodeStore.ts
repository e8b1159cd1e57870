import type { NodeId } from './NodeId.ts'

/**
 * Where the proof builders read the stored nodes of a log (the perfect subtrees: leaf hashes at
 * level 0, interior hashes above). `MemoryNodeStore` implements it; the gateway backs it with
 * SQLite, whose reads are synchronous, so both forms are allowed.
 *
 * Guarantees an implementation must give:
 * - one 32-byte hash per id, in the order of `ids` (duplicates included);
 * - all or nothing: when a node is missing it throws (or rejects), never returns a partial list
 *   or a placeholder hash;
 * - stable answers: a node's hash never changes once written (the log is append-only), so callers
 *   may cache them; a read sees every node whose write had returned before the read began;
 * - the returned arrays belong to the caller (mutating them does not change the store).
 *
 * @example
 * const store: NodeStore = { getNodes: (ids) => ids.map((id) => db.node(id.level, id.index)) }
 */
export interface NodeStore {
  /** The hashes of `ids`, in order. */
  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> | Uint8Array[]
}
