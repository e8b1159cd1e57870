import { BaseError } from '../errors/BaseError.ts'
import type { NodeId } from './NodeId.ts'

// The failures of the Merkle builders (planning, stores, the compact tree). Verifiers never throw:
// they return `{ valid: false, reason }` instead.

/**
 * A tree size, leaf index or node position that is not an integer in range.
 *
 * @example
 * try { inclusionProofNodes({ leafIndex: 8, treeSize: 8 }) }
 * catch (e) { if (e instanceof TreeRangeError) reply(400, e.shortMessage) }
 */
export class TreeRangeError extends BaseError {
  override name = 'TreeRangeError' as const
}

/**
 * A hash that is not a 32-byte Uint8Array.
 *
 * @example
 * new CompactTree().append(new Uint8Array(31)) // throws InvalidNodeHashError
 */
export class InvalidNodeHashError extends BaseError {
  override name = 'InvalidNodeHashError' as const
  constructor(what: string, value: unknown) {
    super(`${what} must be a 32-byte Uint8Array.`, {
      details: `Got ${value instanceof Uint8Array ? `${value.length} bytes` : typeof value}.`,
    })
  }
}

/**
 * A list of hashes whose length does not match what it stands for.
 *
 * @example
 * CompactTree.fromState({ size: 3, hashes: [h] }) // throws: size 3 needs 2 hashes
 */
export class NodeCountMismatchError extends BaseError {
  override name = 'NodeCountMismatchError' as const
  constructor(what: string, expected: number, got: number) {
    super(`${what}: expected ${expected} hashes, got ${got}.`)
  }
}

/**
 * An inclusion proof that does not fit its leaf index and tree size (RFC 9162 §2.1.3.2).
 *
 * @example
 * rootFromInclusionProof({ leafIndex: 2, treeSize: 8, leafHash, proof: [] }) // throws
 */
export class InvalidInclusionProofError extends BaseError {
  override name = 'InvalidInclusionProofError' as const
  constructor(reason: string) {
    super('Invalid inclusion proof.', { details: reason })
  }
}

/**
 * A node asked of a store that does not hold it.
 *
 * @example
 * new MemoryNodeStore().getNodes([{ level: 0, index: 0 }]) // throws MissingNodeError
 */
export class MissingNodeError extends BaseError {
  override name = 'MissingNodeError' as const
  readonly node: NodeId
  constructor(node: NodeId) {
    super(`Node (level ${node.level}, index ${node.index}) is not in the store.`)
    this.node = node
  }
}

/**
 * A write of a node that is already stored with another hash: a log's nodes never change.
 *
 * @example
 * store.put(0, 0, a)
 * store.put(0, 0, b) // throws NodeConflictError
 */
export class NodeConflictError extends BaseError {
  override name = 'NodeConflictError' as const
  readonly node: NodeId
  constructor(node: NodeId) {
    super(`Node (level ${node.level}, index ${node.index}) is already stored with another hash.`, {
      details: 'The nodes of an append-only log never change: two writers or a corrupt tree.',
    })
    this.node = node
  }
}
