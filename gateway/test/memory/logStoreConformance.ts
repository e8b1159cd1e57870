import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { RECEIPT_VERSION } from '@tml/core'
import type { LogStore, StoredEntry } from '../../src/memory/LogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { LOG_ID } from '../helpers/memory.ts'

/** Entry `seq` of a test log (a decision by default). */
export function entry(seq: number, over: Partial<StoredEntry> = {}): StoredEntry {
  const traceId = `00000000-0000-4000-8000-${seq.toString().padStart(12, '0')}`
  const leafHash = `0x${seq.toString(16).padStart(64, '0')}` as const
  return {
    seq,
    traceId,
    kind: 'decision',
    state: 1,
    leafHash,
    mtl: `{"seq":${seq}}`,
    receipt: {
      v: RECEIPT_VERSION,
      logId: LOG_ID,
      traceId,
      seq,
      leafHash,
      timestamp: '2025-01-01T00:00:00.000Z',
      signature: `0x${'ee'.repeat(64)}`,
    },
    refersTo: null,
    profile: 'general',
    pauseDeadlineMs: null,
    ...over,
  }
}

/** Subject secret `b` (its lookup and secret filled with bytes derived from `b`). */
export const key = (b: number) => ({
  lookup: new Uint8Array(32).fill(b),
  secret: new Uint8Array(32).fill(b + 100),
})

/**
 * The {@link LogStore} contract (its guarantees, as behaviour), run against one implementation:
 * each store test file calls it with its own factory, so every store meets the same contract
 * (transparency-dev's storage tests).
 *
 * @example
 * logStoreConformance('SqliteLogStore', async () => SqliteLogStore.open({ path, logId: LOG_ID }))
 */
export function logStoreConformance(name: string, make: () => Promise<LogStore>): void {
  describe(`LogStore contract: ${name}`, () => {
    test('default: append then read back by seq and trace id', async () => {
      const store = await make()
      assert.equal(await store.size(), 0)
      await store.append({ entries: [entry(0), entry(1)], subjectKeys: [], erasedLookups: [] })
      assert.equal(await store.size(), 2)
      assert.deepEqual(await store.entryBySeq(1), entry(1))
      assert.deepEqual(await store.entryByTraceId(entry(0).traceId), entry(0))
      assert.equal(await store.entryBySeq(2), undefined)
      assert.deepEqual(await store.entries(1, 10), [entry(1)])
      await store.close()
    })

    test('errors: a batch that would leave a gap is refused whole', async () => {
      const store = await make()
      await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
      await assert.rejects(
        store.append({ entries: [entry(2)], subjectKeys: [], erasedLookups: [] }),
        (e: unknown) => {
          assert.ok(e instanceof StoreError)
          assert.equal(e.code, 'TML_GAP')
          return true
        },
      )
      await assert.rejects(
        store.append({ entries: [entry(1), entry(3)], subjectKeys: [], erasedLookups: [] }),
        StoreError,
      )
      assert.equal(await store.size(), 1)
      await store.close()
    })

    test('errors: a refused batch writes none of its entries or secrets', async () => {
      const store = await make()
      await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
      await assert.rejects(
        store.append({
          entries: [entry(1), entry(3)],
          subjectKeys: [key(5)],
          erasedLookups: [],
        }),
        StoreError,
      )
      assert.equal(await store.size(), 1)
      assert.equal(await store.entryBySeq(1), undefined)
      assert.equal(await store.subjectSecret(key(5).lookup), undefined)
      await store.append({ entries: [entry(1)], subjectKeys: [key(5)], erasedLookups: [] })
      assert.deepEqual(await store.subjectSecret(key(5).lookup), key(5).secret)
      await store.close()
    })

    test('behavior: pending pauses are the state-0 decisions no resolution refers to', async () => {
      const store = await make()
      const p1 = entry(0, { state: 0, pauseDeadlineMs: 5 })
      const p2 = entry(1, { state: 0, pauseDeadlineMs: 6 })
      const r1 = entry(2, { kind: 'resolution', state: -1, refersTo: p1.traceId })
      await store.append({ entries: [p1, p2, r1], subjectKeys: [], erasedLookups: [] })
      assert.deepEqual(await store.pendingPauses(), [p2])
      assert.deepEqual(await store.resolutionOf(p1.traceId), r1)
      assert.equal(await store.resolutionOf(p2.traceId), undefined)
      await store.close()
    })

    test('behavior: subject secrets are stored with the batch and shredded by an erasure', async () => {
      const store = await make()
      await store.append({ entries: [entry(0)], subjectKeys: [key(1), key(2)], erasedLookups: [] })
      assert.deepEqual(await store.subjectSecret(key(1).lookup), key(1).secret)
      // The first secret of a subject wins: a second insert never replaces it.
      await store.append({
        entries: [entry(1)],
        subjectKeys: [{ lookup: key(1).lookup, secret: key(9).secret }],
        erasedLookups: [key(2).lookup],
      })
      assert.deepEqual(await store.subjectSecret(key(1).lookup), key(1).secret)
      assert.equal(await store.subjectSecret(key(2).lookup), undefined)
      await store.close()
    })

    test('behavior: probe succeeds on a healthy store', async () => {
      const store = await make()
      await store.probe()
      await store.close()
    })
  })
}
