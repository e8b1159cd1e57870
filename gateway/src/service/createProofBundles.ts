import type { Hex, ProofBundle } from '@tml/core'
import type { Address } from 'viem'
import type { AnchorStore } from '../anchoring/AnchorStore.ts'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import type { LogStore } from '../memory/LogStore.ts'
import { buildProofBundle } from '../proofs/buildProofBundle.ts'

/** What {@link createProofBundles} reads: the log, the anchoring lane if any, the log's public keys. */
export type ProofBundleSources = {
  store: Pick<LogStore, 'entryByTraceId'>
  /** The anchoring lane; without one there are no checkpoints, so no bundles. */
  lane?: {
    readonly store: AnchorStore
    chainStatus(): readonly { confirmedEpoch: number }[]
  }
  logId: Hex
  /**
   * Address of the checkpoint key (never the key itself), or the address of the key period
   * covering an epoch (a log whose key rotated).
   */
  checkpointSigner: Address | ((epoch: number) => Address)
  receiptPublicKey: Hex | ((seq: number) => Hex)
  /** The policy document of a policy hash, when the gateway runs that policy. */
  policyDocument?: (policyHash: Hex) => Record<string, unknown> | undefined
}

/** The proof bundle of a trace, or why there is none. */
export type ProofBundleLookup =
  | { status: 'unknown' }
  | { status: 'no_anchoring' }
  | { status: 'pending'; seq: number; reason: string }
  | { status: 'anchored'; bundle: ProofBundle }

/**
 * The `tml-proof/1` bundles of a log, looked up by trace id: the one question the proof route
 * asks, answered from the log store and the lane's checkpoints and anchors. It holds only public
 * material (the checkpoint signer's address, the receipt public key), so whoever serves bundles
 * never holds a private key.
 *
 * @example
 * const proofs = createProofBundles({ store, lane, logId, checkpointSigner, receiptPublicKey })
 * const found = await proofs.proofBundle(traceId) // { status: 'anchored', bundle } once anchored
 */
export function createProofBundles(s: ProofBundleSources): {
  proofBundle(traceId: string): Promise<ProofBundleLookup>
} {
  return {
    async proofBundle(traceId) {
      const entry = await s.store.entryByTraceId(traceId)
      if (!entry) return { status: 'unknown' }
      if (!s.lane) return { status: 'no_anchoring' }
      const result = await buildProofBundle({
        entry,
        store: s.lane.store,
        logId: s.logId,
        checkpointSigner: s.checkpointSigner,
        receiptPublicKey: s.receiptPublicKey,
        confirmedEpochs: s.lane.chainStatus().map((c) => c.confirmedEpoch),
        hash: nodeSha256,
        // A resolution's bundle carries its policy: the reviewers a verifier checks it against.
        policy: entry.kind === 'resolution' ? resolutionPolicy(s, entry.mtl) : undefined,
      })
      return result.status === 'pending'
        ? { status: 'pending', seq: entry.seq, reason: result.reason }
        : result
    },
  }
}

function resolutionPolicy(s: ProofBundleSources, mtl: string): Record<string, unknown> | undefined {
  const { policy_hash } = JSON.parse(mtl) as { policy_hash: Hex }
  return s.policyDocument?.(policy_hash)
}
