import type { Address } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { CheckpointJson } from '../checkpoint/Checkpoint.ts'
import type { Mtl } from '../mtl/types.ts'
import type { SignedReceipt } from '../receipt/Receipt.ts'

/** The format version every proof bundle carries in `v`. */
export const BUNDLE_VERSION = 'tml-proof/1' as const

/**
 * The fields every {@link ProofBundle} has (the API's JSON Schema requires them).
 *
 * @example
 * BUNDLE_REQUIRED_FIELDS.filter((f) => !(f in value)) // the missing ones
 */
export const BUNDLE_REQUIRED_FIELDS = [
  'v',
  'mtl',
  'leafIndex',
  'treeSize',
  'inclusionProof',
  'checkpoint',
  'checkpointSignature',
  'receipt',
  'log',
  'anchors',
] as const

/**
 * Every field a {@link ProofBundle} may have: the required ones and the optional `ots` and
 * `policy`; a reader refuses any other.
 *
 * @example
 * Object.keys(value).filter((f) => !BUNDLE_FIELDS.includes(f)) // the unknown ones
 */
export const BUNDLE_FIELDS: readonly string[] = [...BUNDLE_REQUIRED_FIELDS, 'ots', 'policy']

/** Where a checkpoint was anchored: the CheckpointRegistry on one chain, and the transaction. */
export type BundleAnchor = {
  /** EIP-155 chain id; one anchor per chain in a bundle. */
  chainId: number
  /** Address of the CheckpointRegistry on that chain. */
  registry: Address
  /** The `anchor` transaction (informative: verifiers read the registry, not the transaction). */
  txHash: Hex
  /** Block of that transaction (informative). */
  blockNumber: number
}

/** The keys the operator claims for the log; verifiers may override them with keys read on chain. */
export type BundleLogKeys = {
  /** The log's checkpoint signer (secp256k1 address). */
  checkpointSigner: Address
  /**
   * The log's P-256 receipt public key, uncompressed `0x04 ‖ x ‖ y` (65 bytes). The chain holds
   * its commitment `keccak256(x ‖ y)` (`receiptKeyCommitment`).
   */
  receiptPublicKey: Hex
}

/**
 * Everything needed to check, offline except for chain reads, that one MTL is in a checkpoint
 * that the chains hold: the MTL, its inclusion proof, the signed checkpoint, the signed receipt,
 * the log's claimed keys and where the checkpoint was anchored.
 *
 * Spec: ARCHITECTURE.md, Formats, Proof bundle (`tml-proof/1`); RFC 9162 §2.1.3 (inclusion).
 *
 * @example
 * const result = validateBundle(JSON.parse(text))
 * if (result.valid) result.bundle.checkpoint.rootHash
 */
export type ProofBundle = {
  v: typeof BUNDLE_VERSION
  mtl: Mtl
  /** Index of the MTL's leaf in the log: equals `mtl.seq`. */
  leafIndex: number
  /** Size of the tree the proof is for: equals `checkpoint.treeSize`. */
  treeSize: number
  /** RFC 9162 inclusion path, from the leaf's sibling up, as 32-byte hex. */
  inclusionProof: Hex[]
  checkpoint: CheckpointJson
  /** EIP-712 signature of the checkpoint by the log's checkpoint signer (65 bytes). */
  checkpointSignature: Hex
  receipt: SignedReceipt
  log: BundleLogKeys
  anchors: BundleAnchor[]
  /** OpenTimestamps proof of the checkpoint root hash (base64 of the `.ots` file). */
  ots?: string
  /**
   * The policy document (JSON) the MTL's `policy_hash` names, for a resolution MTL: it lists the
   * reviewers allowed to resolve the pause. Untrusted: used only if it hashes to `policy_hash`.
   */
  policy?: Record<string, unknown>
}
