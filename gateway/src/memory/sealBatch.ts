import type { Hex } from '@tml/core'
import type { ReceiptSigner } from '../keys/createReceiptSigner.ts'
import { sealEvidenceBatch, vaultRecordText } from '../vault/sealEvidence.ts'
import type { SealedBatch } from '../vault/VaultStore.ts'
import type { PlacedRecord, SealedRecord } from './Committer.ts'
import type { StoredEntry } from './LogStore.ts'
import { sealRecord } from './sealRecord.ts'

/** Parameters of {@link sealBatch}. */
export type SealBatchParameters = {
  /** A commit batch's placed records, in `seq` order. */
  records: readonly PlacedRecord[]
  /** The receipt key of each `seq` (the log's key schedule). */
  signerFor: (seq: number) => ReceiptSigner
  /**
   * The vault's open epoch key, when the vault is on: the batch's records placed with a vault
   * payload are then sealed together under it, and their MTLs carry `evidence_seal`.
   */
  vault?: { current(): { epoch: number; key: Uint8Array } }
}

/** A sealed batch: the store rows, what goes back to the callers, and the vault's row if any. */
export type SealBatchReturnType = {
  entries: StoredEntry[]
  sealed: SealedRecord[]
  vaultBatch?: SealedBatch
}

/**
 * Seals a commit batch, the committers' one way to: with the vault on, the full context of every
 * record placed with a vault payload first, together in one `tml-vault/2` envelope under the open
 * epoch's key (`sealEvidenceBatch`: one AEAD, one hash and one vault row per batch), whose SHA-256
 * each of those MTLs then carries as `evidence_seal`; then each record ({@link sealRecord}). The
 * caller writes `entries` and `vaultBatch` in one transaction.
 *
 * @example
 * const { entries, sealed, vaultBatch } = sealBatch({ records, signerFor: (seq) => keys.signerFor(seq), vault: ring })
 */
export function sealBatch({ records, signerFor, vault }: SealBatchParameters): SealBatchReturnType {
  let seal: Hex | undefined
  let vaultBatch: SealedBatch | undefined
  if (vault) {
    const members: { seq: number; text: string }[] = []
    for (const record of records) {
      if (!record.vault) continue
      const { log_id: logId, seq, trace_id: traceId } = record.mtl
      members.push({
        seq,
        text: vaultRecordText({
          logId,
          seq,
          traceId,
          evidence: record.evidence?.input ?? null,
          releasedOutput: record.evidence?.output ?? null,
          payload: record.vault,
        }),
      })
    }
    const first = records[0]
    if (members.length > 0 && first) {
      // One epoch per batch: the key open now seals all of it, so that a grant for an epoch
      // covers every record an envelope of that epoch holds.
      const { epoch, key } = vault.current()
      const batch = sealEvidenceBatch({ logId: first.mtl.log_id, epoch, key, records: members })
      seal = batch.seal
      vaultBatch = {
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        epoch,
        envelope: batch.envelope,
      }
    }
  }
  const entries: StoredEntry[] = []
  const sealed: SealedRecord[] = []
  for (const record of records) {
    const r = sealRecord({
      record,
      signer: signerFor(record.mtl.seq),
      ...(seal !== undefined && record.vault ? { evidenceSeal: seal } : {}),
    })
    entries.push(r.entry)
    sealed.push(r.sealed)
  }
  return vaultBatch ? { entries, sealed, vaultBatch } : { entries, sealed }
}
