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

/** A sealed batch: the store rows, what goes back to the callers, and the vault's rows. */
export type SealBatchReturnType = {
  entries: StoredEntry[]
  sealed: SealedRecord[]
  /** The sealed envelopes, in `seq` order; empty without the vault or without vault payloads. */
  vaultBatches: SealedBatch[]
}

/**
 * Characters (UTF-16 code units) of record text one envelope holds at most (a record longer than
 * that gets an envelope of its own). Decision records are a few hundred bytes, so a group commit's records share one
 * envelope; records of large prompts or outputs do not make a reader of one of them download, and
 * an opener decrypt, megabytes of its neighbours.
 */
export const VAULT_ENVELOPE_TEXT_LIMIT = 64 * 1024

/**
 * Seals a commit batch, the committers' one way to: with the vault on, the full context of every
 * record placed with a vault payload first, in `tml-vault/2` envelopes under the open epoch's key
 * (`sealEvidenceBatch`: one AEAD, one hash and one vault row per envelope), consecutive records
 * together up to {@link VAULT_ENVELOPE_TEXT_LIMIT} bytes of text each; each of those MTLs then
 * carries its envelope's SHA-256 as `evidence_seal`. Then each record ({@link sealRecord}). The
 * caller writes `entries` and `vaultBatches` in one transaction.
 *
 * @example
 * const { entries, sealed, vaultBatches } = sealBatch({ records, signerFor: (seq) => keys.signerFor(seq), vault: ring })
 */
export function sealBatch({ records, signerFor, vault }: SealBatchParameters): SealBatchReturnType {
  const seals = new Map<number, Hex>()
  const vaultBatches: SealedBatch[] = []
  const first = records[0]
  if (vault && first) {
    let open: { epoch: number; key: Uint8Array } | undefined
    let members: { seq: number; text: string }[] = []
    let bytes = 0
    const seal = () => {
      if (members.length === 0) return
      // One epoch for the whole commit: the key open now seals all of it, so that a grant for an
      // epoch covers every record an envelope of that epoch holds.
      open ??= vault.current()
      const batch = sealEvidenceBatch({
        logId: first.mtl.log_id,
        epoch: open.epoch,
        key: open.key,
        records: members,
      })
      for (const m of members) seals.set(m.seq, batch.seal)
      vaultBatches.push({
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        epoch: open.epoch,
        envelope: batch.envelope,
      })
      members = []
      bytes = 0
    }
    for (const record of records) {
      if (!record.vault) continue
      const { log_id: logId, seq, trace_id: traceId } = record.mtl
      const text = vaultRecordText({
        logId,
        seq,
        traceId,
        evidence: record.evidence?.input ?? null,
        releasedOutput: record.evidence?.output ?? null,
        payload: record.vault,
      })
      if (bytes > 0 && bytes + text.length > VAULT_ENVELOPE_TEXT_LIMIT) seal()
      members.push({ seq, text })
      bytes += text.length
    }
    seal()
  }
  const entries: StoredEntry[] = []
  const sealed: SealedRecord[] = []
  for (const record of records) {
    const evidenceSeal = seals.get(record.mtl.seq)
    const r = sealRecord({
      record,
      signer: signerFor(record.mtl.seq),
      ...(evidenceSeal === undefined ? {} : { evidenceSeal }),
    })
    entries.push(r.entry)
    sealed.push(r.sealed)
  }
  return { entries, sealed, vaultBatches }
}
