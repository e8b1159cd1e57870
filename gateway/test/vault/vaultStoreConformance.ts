import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { canonicalize } from '@tml/core'
import type { StoredEntry } from '../../src/memory/LogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { sealEvidence } from '../../src/vault/sealEvidence.ts'
import type { SealedEntry, StoredEpochKey, VaultStore } from '../../src/vault/VaultStore.ts'
import { LOG_ID } from '../helpers/memory.ts'
import { entry } from '../memory/logStoreConformance.ts'

/** One vault store over a fresh log, with the write path its committer uses. */
export type VaultHarness = {
  vault: VaultStore
  /** Appends log entries and their sealed records in one transaction, as the committer does. */
  append(entries: StoredEntry[], sealed: SealedEntry[]): Promise<void>
  size(): Promise<number>
  /** Runs one statement on the database, past the stores (what an attacker with SQL access does). */
  raw(sql: string): Promise<unknown>
  close(): Promise<void>
}

const KEY = new Uint8Array(randomBytes(32))

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

/**
 * Entry `seq` of a test log sealed in `epoch`: a real envelope, and an MTL whose `evidence_seal`
 * is its SHA-256, as the committer writes them.
 */
export function sealedEntry(seq: number, epoch = 1): { entry: StoredEntry; sealed: SealedEntry } {
  const base = entry(seq)
  const { envelope, seal } = sealEvidence({
    logId: LOG_ID,
    seq,
    traceId: base.traceId,
    epoch,
    key: KEY,
    evidence: canonicalize({ context: {}, input: { n: seq }, signals: {} }),
    releasedOutput: null,
    payload: { output: null, scores: null, rationale: null, personal: null, subjectSecret: null },
  })
  return {
    entry: { ...base, mtl: canonicalize({ evidence_seal: seal, seq }) },
    sealed: { seq, traceId: base.traceId, epoch, envelope },
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
      const [a, b] = [sealedEntry(0, 1), sealedEntry(1, 2)]
      await h.append([a.entry, b.entry], [a.sealed, b.sealed])
      assert.deepEqual(await h.vault.sealedBySeq(1), b.sealed)
      assert.deepEqual(await h.vault.sealedByTraceId(a.entry.traceId), a.sealed)
      assert.equal(await h.vault.sealedBySeq(2), undefined)
      assert.equal(await h.vault.sealedByTraceId('no-such-trace'), undefined)
      await h.close()
    })

    test('behavior: a group commit of 40 sealed records reads back whole, record by record', async () => {
      const h = await make()
      await h.vault.putEpoch(epochKey(1))
      const batch = Array.from({ length: 40 }, (_, seq) => sealedEntry(seq))
      await h.append(
        batch.map((b) => b.entry),
        batch.map((b) => b.sealed),
      )
      for (const b of batch) assert.deepEqual(await h.vault.sealedBySeq(b.sealed.seq), b.sealed)
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

    test('errors: a batch whose sealed records fail to write leaves neither its MTLs nor its records', async () => {
      const h = await make()
      await h.vault.putEpoch(epochKey(1))
      const first = sealedEntry(0)
      await h.append([first.entry], [first.sealed])
      const next = sealedEntry(1)
      // The second record of the batch collides with a stored one: the whole batch is refused.
      await assert.rejects(
        h.append([next.entry], [next.sealed, { ...first.sealed }]),
        (e: unknown) => e instanceof StoreError,
      )
      assert.equal(await h.size(), 1)
      assert.equal(await h.vault.sealedBySeq(1), undefined)
      assert.deepEqual(await h.vault.sealedBySeq(0), first.sealed)
      await h.close()
    })

    test('errors: sealed records and wrapped epoch keys cannot be changed or deleted, even past the store', async () => {
      const h = await make()
      await h.vault.putEpoch(epochKey(1))
      const first = sealedEntry(0)
      await h.append([first.entry], [first.sealed])
      for (const sql of [
        'UPDATE vault_records SET envelope = envelope || envelope',
        'DELETE FROM vault_records',
        "UPDATE vault_epochs SET shares = '[]'",
        'DELETE FROM vault_epochs',
      ])
        await assert.rejects(h.raw(sql), /append-only|write-once/, sql)
      assert.deepEqual(await h.vault.sealedBySeq(0), first.sealed)
      assert.deepEqual(await h.vault.epochKey(1), epochKey(1))
      await h.close()
    })
  })
}
