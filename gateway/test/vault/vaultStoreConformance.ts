import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { canonicalize } from '@tml/core'
import type { StoredEntry } from '../../src/memory/LogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { openEvidence } from '../../src/vault/openEvidence.ts'
import { sealEvidenceBatch, vaultRecordText } from '../../src/vault/sealEvidence.ts'
import type {
  SealedBatch,
  SealedEntry,
  StoredEpochKey,
  VaultStore,
} from '../../src/vault/VaultStore.ts'
import { LOG_ID } from '../helpers/memory.ts'
import { entry } from '../memory/logStoreConformance.ts'

/** One vault store over a fresh log, with the write path its committer uses. */
export type VaultHarness = {
  vault: VaultStore
  /** Appends log entries and their batch's sealed envelope in one transaction, as the committer does. */
  append(entries: StoredEntry[], batch?: SealedBatch): Promise<void>
  size(): Promise<number>
  /** Runs one statement on the database, past the stores (what an attacker with SQL access does). */
  raw(sql: string): Promise<unknown>
  close(): Promise<void>
}

/** The wrapped key of `epoch` (shares as the ring stores them; their bytes are opaque here). */
export function epochKey(epoch: number): StoredEpochKey {
  return {
    epoch,
    openedMs: 1_700_000_000_000 + epoch,
    threshold: 2,
    shares: [0, 1, 2].map((index) => ({
      index,
      custodian: `c${index}`,
      publicKey: `0x${'11'.repeat(32)}`,
      enc: `0x${'22'.repeat(32)}`,
      ciphertext: `0x${(epoch * 3 + index).toString(16).padStart(2, '0').repeat(48)}`,
    })) as unknown as StoredEpochKey['shares'],
  }
}

/** The data key every test envelope is sealed under. */
export const VAULT_TEST_KEY = new Uint8Array(randomBytes(32))

/**
 * Entries `seqs` of a test log committed together in `epoch`: one real `tml-vault/2` envelope for
 * those not in `unsealed`, and MTLs whose `evidence_seal` is its SHA-256, as the committer writes
 * them; `sealed(seq)` is what a reader gets back for a sealed one.
 */
export function sealedBatch(
  seqs: readonly number[],
  { epoch = 1, unsealed = [] }: { epoch?: number; unsealed?: readonly number[] } = {},
): { entries: StoredEntry[]; batch: SealedBatch; sealed: (seq: number) => SealedEntry } {
  const members = seqs.filter((seq) => !unsealed.includes(seq))
  const { envelope, seal, firstSeq, lastSeq } = sealEvidenceBatch({
    logId: LOG_ID,
    epoch,
    key: VAULT_TEST_KEY,
    records: members.map((seq) => ({
      seq,
      text: vaultRecordText({
        logId: LOG_ID,
        seq,
        traceId: entry(seq).traceId,
        evidence: canonicalize({ context: {}, input: { n: seq }, signals: {} }),
        releasedOutput: null,
        payload: {
          output: null,
          scores: null,
          rationale: null,
          personal: null,
          subjectSecret: null,
        },
      }),
    })),
  })
  return {
    entries: seqs.map((seq) => ({
      ...entry(seq),
      mtl: canonicalize(unsealed.includes(seq) ? { seq } : { evidence_seal: seal, seq }),
    })),
    batch: { firstSeq, lastSeq, epoch, envelope },
    sealed: (seq) => ({ seq, traceId: entry(seq).traceId, epoch, envelope }),
  }
}

const code = (c: string) => (e: unknown) => e instanceof StoreError && e.code === c

/**
 * The {@link VaultStore} contract (its guarantees, as behaviour), run against one implementation
 * with the write path of its committer: each vault store test file calls it with its own harness.
 *
 * @example
 * vaultStoreConformance('PgVaultStore', async () => harnessOnAFreshDatabase())
 */
export function vaultStoreConformance(name: string, make: () => Promise<VaultHarness>): void {
  describe(`VaultStore contract: ${name}`, () => {
    test('default: wrapped epoch keys and sealed records read back; unknown ones are undefined', async () => {
      const h = await make()
      assert.equal(await h.vault.lastEpoch(), 0)
      await h.vault.putEpoch(epochKey(1))
      await h.vault.putEpoch(epochKey(2))
      assert.equal(await h.vault.lastEpoch(), 2)
      assert.deepEqual(await h.vault.epochKey(1), epochKey(1))
      assert.equal(await h.vault.epochKey(3), undefined)
      const [a, b] = [sealedBatch([0], { epoch: 1 }), sealedBatch([1], { epoch: 2 })]
      await h.append(a.entries, a.batch)
      await h.append(b.entries, b.batch)
      assert.deepEqual(await h.vault.sealedBySeq(1), b.sealed(1))
      assert.deepEqual(await h.vault.sealedByTraceId(entry(0).traceId), a.sealed(0))
      assert.equal(await h.vault.sealedBySeq(2), undefined)
      assert.equal(await h.vault.sealedByTraceId('no-such-trace'), undefined)
      await h.close()
    })

    test('behavior: a group commit of 40 reads back record by record, each opening its own record; an unsealed one in it has none', async () => {
      const h = await make()
      await h.vault.putEpoch(epochKey(1))
      const before = sealedBatch([0, 1])
      await h.append(before.entries, before.batch)
      const seqs = Array.from({ length: 40 }, (_, i) => i + 2)
      const group = sealedBatch(seqs, { unsealed: [17] })
      await h.append(group.entries, group.batch)
      const after = sealedBatch([42])
      await h.append(after.entries, after.batch)
      for (const seq of seqs) {
        if (seq === 17) continue
        const sealed = await h.vault.sealedBySeq(seq)
        assert.deepEqual(sealed, group.sealed(seq))
        assert.deepEqual(await h.vault.sealedByTraceId(entry(seq).traceId), group.sealed(seq))
        const { record } = openEvidence({
          envelope: (sealed as SealedEntry).envelope,
          key: VAULT_TEST_KEY,
          logId: LOG_ID,
          seq,
          seal: JSON.parse((group.entries[seq - 2] as StoredEntry).mtl).evidence_seal,
          traceId: entry(seq).traceId,
        })
        assert.equal(record.trace_id, entry(seq).traceId)
      }
      // Inside the batch's range, but its MTL names no sealed record: none is served for it.
      assert.equal(await h.vault.sealedBySeq(17), undefined)
      assert.equal(await h.vault.sealedByTraceId(entry(17).traceId), undefined)
      assert.deepEqual(await h.vault.sealedBySeq(1), before.sealed(1))
      assert.deepEqual(await h.vault.sealedBySeq(42), after.sealed(42))
      await h.close()
    })

    test('errors: an epoch number stored twice is TML_VAULT_EPOCH_TAKEN, and the first key stays', async () => {
      const h = await make()
      await h.vault.putEpoch(epochKey(1))
      await assert.rejects(
        h.vault.putEpoch({ ...epochKey(1), threshold: 1 }),
        code('TML_VAULT_EPOCH_TAKEN'),
      )
      assert.deepEqual(await h.vault.epochKey(1), epochKey(1))
      await h.close()
    })

    test('errors: a batch whose sealed envelope fails to write leaves neither its MTLs nor its envelope', async () => {
      const h = await make()
      await h.vault.putEpoch(epochKey(1))
      const first = sealedBatch([0])
      await h.append(first.entries, first.batch)
      const next = sealedBatch([1])
      // The envelope collides with the stored one (the same first seq): the whole batch is refused.
      await assert.rejects(
        h.append(next.entries, { ...next.batch, firstSeq: 0 }),
        (e: unknown) => e instanceof StoreError,
      )
      assert.equal(await h.size(), 1)
      assert.equal(await h.vault.sealedBySeq(1), undefined)
      assert.deepEqual(await h.vault.sealedBySeq(0), first.sealed(0))
      await h.close()
    })

    test('errors: sealed envelopes and wrapped epoch keys cannot be changed or deleted, even past the store', async () => {
      const h = await make()
      await h.vault.putEpoch(epochKey(1))
      const first = sealedBatch([0])
      await h.append(first.entries, first.batch)
      for (const sql of [
        'UPDATE vault_batches SET envelope = envelope || envelope',
        'UPDATE vault_batches SET last_seq = 5',
        'DELETE FROM vault_batches',
        "UPDATE vault_epochs SET shares = '[]'",
        'DELETE FROM vault_epochs',
      ])
        await assert.rejects(h.raw(sql), /append-only|write-once/, sql)
      assert.deepEqual(await h.vault.sealedBySeq(0), first.sealed(0))
      assert.deepEqual(await h.vault.epochKey(1), epochKey(1))
      await h.close()
    })
  })
}
