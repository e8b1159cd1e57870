import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { hashMtl, sha256, signReceipt, validateMtl, verifyReceipt } from '@tml/core'
import { nodeSha256 } from '../../src/keys/nodeSha256.ts'
import type { ReceiptKeyStart } from '../../src/keys/ReceiptKeySchedule.ts'
import { AlwaysMemory } from '../../src/memory/AlwaysMemory.ts'
import { InlineCommitter } from '../../src/memory/InlineCommitter.ts'
import { MemoryLogStore } from '../../src/memory/MemoryLogStore.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { decisionDraft, LOG_ID, SEED, signer, tempDir } from '../helpers/memory.ts'

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('AlwaysMemory', () => {
  test('default: a durable record with a valid MTL, leaf hash and receipt', async () => {
    const store = new MemoryLogStore()
    const memory = await AlwaysMemory.open({
      store,
      logId: LOG_ID,
      committer: new InlineCommitter({ store, signer }),
      clock: () => Date.UTC(2025, 0, 2),
    })
    const draft = decisionDraft()
    const r = await memory.append({ draft, profile: 'general', pauseDeadlineMs: null })
    const check = validateMtl(r.mtl)
    assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
    assert.equal(r.mtl.seq, 0)
    assert.equal(r.leafHash, `0x${Buffer.from(hashMtl(check.mtl)).toString('hex')}`)
    assert.deepEqual(r.receipt, {
      v: 'tml-receipt/2',
      logId: LOG_ID,
      traceId: draft.trace_id,
      seq: 0,
      leafHash: r.leafHash,
      timestamp: '2025-01-02T00:00:00.000Z',
      signature: r.receipt.signature,
    })
    assert.ok(verifyReceipt({ receipt: r.receipt, publicKey: signer.publicKey }))
    const stored = await store.entryBySeq(0)
    assert.equal(stored?.mtl, r.canonical)
    assert.deepEqual(stored?.receipt, r.receipt)
    assert.equal(memory.size, 1)
  })

  test('behavior: the OpenSSL receipt signature verifies with core, as does core signReceipt', async () => {
    const store = new MemoryLogStore()
    const memory = await AlwaysMemory.open({
      store,
      logId: LOG_ID,
      committer: new InlineCommitter({ store, signer }),
    })
    for (let i = 0; i < 20; i++) {
      const { receipt } = await memory.append({
        draft: decisionDraft(),
        profile: null,
        pauseDeadlineMs: null,
      })
      // OpenSSL's nonces are random; core's deterministic signature of the same bytes verifies too.
      const { signature: _, ...unsigned } = receipt
      assert.ok(
        verifyReceipt({
          receipt: signReceipt({ receipt: unsigned, privateKey: SEED }),
          publicKey: signer.publicKey,
        }),
      )
      assert.ok(verifyReceipt({ receipt, publicKey: signer.publicKey }))
      assert.equal(
        verifyReceipt({
          receipt: { ...receipt, seq: receipt.seq + 1 },
          publicKey: signer.publicKey,
        }),
        false,
      )
    }
  })

  test('behavior: nodeSha256 equals core sha256', () => {
    const parts = [new Uint8Array([0]), new TextEncoder().encode('{"a":1}')]
    assert.deepEqual(new Uint8Array(nodeSha256(...parts)), sha256(...parts))
  })

  test('behavior: concurrent appends share one commit and get consecutive seqs', async () => {
    const store = new MemoryLogStore()
    const memory = await AlwaysMemory.open({
      store,
      logId: LOG_ID,
      committer: new InlineCommitter({ store, signer }),
    })
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null }),
      ),
    )
    assert.deepEqual(
      results.map((r) => r.mtl.seq),
      Array.from({ length: 100 }, (_, i) => i),
    )
    assert.equal(memory.stats.commits, 1)
    assert.equal(memory.stats.lastBatchSize, 100)
  })

  test('behavior: with maxBatch, a long queue goes out as several batches in flight, in seq order', async () => {
    const store = new MemoryLogStore()
    const inner = new InlineCommitter({ store, signer })
    const sizes: number[] = []
    let inFlight = 0
    let mostInFlight = 0
    const memory = await AlwaysMemory.open({
      store,
      logId: LOG_ID,
      committer: {
        commit: async (batch) => {
          sizes.push(batch.records.length)
          mostInFlight = Math.max(mostInFlight, ++inFlight)
          await wait(5)
          try {
            return await inner.commit(batch)
          } finally {
            inFlight--
          }
        },
        probe: () => inner.probe(),
        handOverReceiptKey: (start: ReceiptKeyStart) => inner.handOverReceiptKey(start),
        close: () => inner.close(),
      },
      maxInFlight: 3,
      maxBatch: 8,
    })
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null }),
      ),
    )
    assert.deepEqual(
      results.map((r) => r.receipt.seq),
      Array.from({ length: 50 }, (_, i) => i),
    )
    assert.equal(await store.size(), 50)
    assert.ok(
      sizes.every((n) => n <= 8),
      `batch sizes ${sizes}`,
    )
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      50,
    )
    assert.equal(mostInFlight, 3, 'as many batches in flight as allowed')
    for (const r of results)
      assert.ok(verifyReceipt({ receipt: r.receipt, publicKey: signer.publicKey }))
  })

  test('behavior: a failed commit rejects the batch, leaves no gap, and recovers when the cause clears', async () => {
    const store = new MemoryLogStore()
    const statuses: unknown[] = []
    const memory = await AlwaysMemory.open({
      store,
      logId: LOG_ID,
      committer: new InlineCommitter({ store, signer }),
      retryMs: 10,
      onStatus: (s) => statuses.push(s),
    })
    await memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null })
    store.failWith('SQLITE_FULL')
    const failing = Array.from({ length: 5 }, () =>
      memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null }),
    )
    for (const f of failing)
      await assert.rejects(f, (e: unknown) => e instanceof StoreError && e.code === 'SQLITE_FULL')
    assert.equal(memory.available, false)
    assert.equal(memory.reason, 'SQLITE_FULL')
    // While unavailable, appends are refused at once, without taking a seq.
    await assert.rejects(
      memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null }),
      /log store unavailable: SQLITE_FULL/,
    )
    await wait(40)
    assert.equal(memory.available, false, 'still failing: the probe keeps failing')
    store.failWith(undefined)
    await wait(40)
    assert.equal(memory.available, true)
    const next = await memory.append({
      draft: decisionDraft(),
      profile: null,
      pauseDeadlineMs: null,
    })
    assert.equal(next.mtl.seq, 1, 'numbering resumes at the durable size')
    assert.deepEqual(statuses, [{ available: false, reason: 'SQLITE_FULL' }, { available: true }])
    memory.close()
  })

  test('behavior: a real SQLite full disk answers errors and recovers by itself', async () => {
    const store = SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })
    const memory = await AlwaysMemory.open({
      store,
      logId: LOG_ID,
      committer: new InlineCommitter({ store, signer }),
      retryMs: 10,
    })
    await memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null })
    const pages = store.withDatabase((db) => db.pragma('page_count', { simple: true }) as number)
    store.withDatabase((db) => db.pragma(`max_page_count = ${pages}`))
    const many = Array.from({ length: 400 }, () =>
      memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null }),
    )
    const settled = await Promise.allSettled(many)
    assert.ok(settled.some((s) => s.status === 'rejected'))
    assert.equal(memory.available, false)
    store.withDatabase((db) => db.pragma('max_page_count = 1073741823'))
    await wait(50)
    assert.equal(memory.available, true)
    const r = await memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null })
    assert.equal(r.mtl.seq, (await store.size()) - 1)
    const all = await store.entries(0, 10_000)
    assert.deepEqual(
      all.map((e) => e.seq),
      all.map((_, i) => i),
    )
    for (const e of all)
      assert.ok(verifyReceipt({ receipt: e.receipt, publicKey: signer.publicKey }))
    memory.close()
    await store.close()
  })

  test('behavior: with two batches in flight, a failure rejects both, answers nothing it cannot prove, and leaves no gap', async () => {
    const store = new MemoryLogStore()
    const inner = new InlineCommitter({ store, signer })
    let calls = 0
    // A slow committer, so that the second batch is handed over before the first settles.
    const committer = {
      commit: async (batch: Parameters<typeof inner.commit>[0]) => {
        calls++
        await wait(calls === 3 ? 20 : 2)
        if (calls === 3) store.failWith('SQLITE_IOERR')
        try {
          return await inner.commit(batch)
        } finally {
          if (calls === 3) store.failWith(undefined)
        }
      },
      probe: () => inner.probe(),
      handOverReceiptKey: (start: ReceiptKeyStart) => inner.handOverReceiptKey(start),
      close: () => inner.close(),
    }
    const memory = await AlwaysMemory.open({
      store,
      logId: LOG_ID,
      committer,
      maxInFlight: 2,
      retryMs: 5,
    })
    const results: Promise<PromiseSettledResult<unknown>>[] = []
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 10; i++) {
        // Settled at once, so that a rejection is handled before the loop goes on.
        const p = memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null })
        results.push(Promise.allSettled([p]).then(([r]) => r as PromiseSettledResult<unknown>))
      }
      await new Promise((r) => setImmediate(r))
    }
    const settled = await Promise.all(results)
    const ok = settled.flatMap((s) =>
      s.status === 'fulfilled' ? [s.value as { receipt: { seq: number } }] : [],
    )
    assert.ok(
      settled.some((s) => s.status === 'rejected'),
      'the injected failure was seen',
    )
    await wait(50)
    assert.equal(memory.available, true)
    const size = await store.size()
    for (const r of ok) assert.ok(r.receipt.seq < size, 'every acknowledged record is durable')
    const entries = await store.entries(0, size)
    assert.deepEqual(
      entries.map((e) => e.seq),
      entries.map((_, i) => i),
    )
    const next = await memory.append({
      draft: decisionDraft(),
      profile: null,
      pauseDeadlineMs: null,
    })
    assert.equal(next.mtl.seq, size)
    memory.close()
  })
})
