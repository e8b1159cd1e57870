import {
  BUNDLE_VERSION,
  type BundleAnchor,
  buildInclusionProof,
  bytesToBase64,
  bytesToHex,
  type Hex,
  type Mtl,
  type ProofBundle,
  type Sha256,
} from '@tml/core'
import type { Address } from 'viem'
import type { AnchorRecord, AnchorStore, StoredCheckpoint } from '../anchoring/AnchorStore.ts'
import type { StoredEntry } from '../memory/LogStore.ts'

/** Parameters of {@link buildProofBundle}. */
export type BuildProofBundleParameters = {
  entry: StoredEntry
  store: AnchorStore
  logId: Hex
  /** The checkpoint signer, or the signer of the key period covering an epoch. */
  checkpointSigner: Address | ((epoch: number) => Address)
  /** The receipt key, or the key that signed receipt `seq` (the log's keys changed over time). */
  receiptPublicKey: Hex | ((seq: number) => Hex)
  /** Highest confirmed epoch per chain (from the anchorers). */
  confirmedEpochs: readonly number[]
  hash?: Sha256
  /**
   * The policy document the MTL's `policy_hash` names, for a resolution MTL: verifiers read the
   * listed reviewers from it (they check its hash).
   */
  policy?: Record<string, unknown> | undefined
}

/** A bundle, or why there is none yet. */
export type BuildProofBundleReturnType =
  | { status: 'anchored'; bundle: ProofBundle }
  | { status: 'pending'; reason: string }

/**
 * Builds the `tml-proof/1` bundle of one MTL: the inclusion proof (from the stored nodes, no
 * tree recomputation: O(log n) node reads) against the newest checkpoint that every chain holding
 * anything holds, that checkpoint's signature, the receipt, the log's keys, the confirmed anchors
 * of that epoch and its OpenTimestamps proof when one is stored. Pending until some chain
 * confirms a checkpoint holding the MTL.
 *
 * Spec: ARCHITECTURE.md, Formats, Proof bundle; RFC 9162 §2.1.3.1.
 *
 * @example
 * const result = await buildProofBundle({ entry, store, logId, checkpointSigner, receiptPublicKey, confirmedEpochs: [3, 2] })
 * if (result.status === 'anchored') reply.send(result.bundle)
 */
export async function buildProofBundle(
  p: BuildProofBundleParameters,
): Promise<BuildProofBundleReturnType> {
  const { entry, store } = p
  const positive = p.confirmedEpochs.filter((e) => e > 0)
  // Prefer the epoch every chain holds (the most anchors), else the newest any chain holds.
  const candidates = [...new Set([Math.min(...positive), Math.max(...positive)])].filter((e) =>
    Number.isFinite(e),
  )
  let checkpoint: StoredCheckpoint | undefined
  let anchors: AnchorRecord[] = []
  for (const epoch of candidates) {
    const cp = await store.checkpoint(epoch)
    if (!cp || cp.treeSize <= entry.seq) continue
    const confirmed = (await store.anchorsOf(epoch)).filter(
      (a) => a.status === 'confirmed' && a.txHash,
    )
    if (confirmed.length === 0) continue
    checkpoint = cp
    anchors = confirmed
    break
  }
  if (!checkpoint) {
    return { status: 'pending', reason: `MTL ${entry.seq} is not in an anchored checkpoint yet` }
  }
  const proof = await buildInclusionProof({
    leafIndex: entry.seq,
    treeSize: checkpoint.treeSize,
    store,
    hash: p.hash,
  })
  const ots = (await store.otsOf(checkpoint.epoch))[0]
  const bundle: ProofBundle = {
    v: BUNDLE_VERSION,
    mtl: JSON.parse(entry.mtl) as Mtl,
    leafIndex: entry.seq,
    treeSize: checkpoint.treeSize,
    inclusionProof: proof.map((h) => bytesToHex(h)),
    checkpoint: {
      logId: p.logId,
      epoch: checkpoint.epoch,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash,
      timestamp: checkpoint.timestamp,
    },
    checkpointSignature: checkpoint.signature,
    receipt: entry.receipt,
    log: {
      checkpointSigner:
        typeof p.checkpointSigner === 'function'
          ? p.checkpointSigner(checkpoint.epoch)
          : p.checkpointSigner,
      receiptPublicKey:
        typeof p.receiptPublicKey === 'function'
          ? p.receiptPublicKey(entry.seq)
          : p.receiptPublicKey,
    },
    anchors: anchors.map(
      (a): BundleAnchor => ({
        chainId: a.chainId,
        registry: a.registry as Address,
        txHash: a.txHash as Hex,
        blockNumber: a.blockNumber ?? 0,
      }),
    ),
    ...(ots ? { ots: bytesToBase64(ots.ots) } : {}),
    ...(p.policy ? { policy: p.policy } : {}),
  }
  return { status: 'anchored', bundle }
}
