import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { bytesToHex, hashLeaf, type SignedReceipt, utf8ToBytes, verifyReceipt } from '@tml/core'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { httpLoad } from '../../tools/httpLoad.ts'
import { killHard, startChildGateway } from '../helpers/child.ts'
import { API_TOKEN } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const ROUNDS = 6

describe('durability: kill -9 under load', () => {
  test('behavior: every answered decision is in the store with a valid receipt, and seq has no gaps', {
    timeout: 180_000,
  }, async (t) => {
    const dataDir = tempDir('tml-kill9-')
    const env = { TML_API_KEYS: `load:${API_TOKEN}` }
    const keys = loadKeys({ dir: join(dataDir, 'keys'), env, create: true })
    const publicKey = createReceiptSigner(keys.receiptKey).publicKey
    const answered: SignedReceipt[] = []
    let verified = 0
    let n = 0
    const body = () => {
      n++
      // Some requests carry a subject, so subject secrets are written in the same commits.
      const subject = n % 3 === 0 ? `,"subject":"user-${n % 17}"` : ''
      const harm = n % 5 === 0 ? 0.5 : 0.01
      return `{"profile":"general","input":{"text":"request ${n}"},"signals":{"confidence":0.99,"harm":${harm}}${subject}}`
    }

    for (let round = 0; round < ROUNDS; round++) {
      const g = await startChildGateway({ dataDir, env })
      const killAfter = 150 + Math.floor(Math.random() * 400)
      const load = httpLoad({
        host: '127.0.0.1',
        port: g.port,
        method: 'POST',
        path: '/v1/decisions',
        headers: { authorization: `Bearer ${API_TOKEN}` },
        body,
        connections: 16,
        pipeline: 2,
        durationMs: killAfter + 2000,
        onResponse: (status, raw) => {
          if (status !== 200) return
          const answer = JSON.parse(raw.toString()) as {
            receipt: SignedReceipt | null
            state: number
            trigger_type: string
          }
          assert.ok(answer.receipt, `an answer without receipt: ${raw}`)
          answered.push(answer.receipt)
        },
      })
      const started = performance.now()
      await new Promise((r) => setTimeout(r, killAfter))
      await killHard(g)
      const result = await load
      t.diagnostic(
        `round ${round}: killed after ${killAfter} ms, ${result.statuses['200'] ?? 0} answered, load ended after ${Math.round(performance.now() - started)} ms`,
      )
      assert.ok((result.statuses['200'] ?? 0) > 0, `round ${round}: the load reached the gateway`)

      // Check the store as the next run will see it (the child is dead: nothing else writes).
      const store = SqliteLogStore.open({ path: join(dataDir, 'log.db'), logId: keys.logId })
      try {
        const size = await store.size()
        const entries = await store.entries(0, size + 1)
        assert.equal(entries.length, size)
        entries.forEach((e, i) => {
          assert.equal(e.seq, i, 'sequence numbers have no gaps')
          assert.equal(
            e.leafHash,
            bytesToHex(hashLeaf(utf8ToBytes(e.mtl))),
            'the leaf hash covers the stored MTL',
          )
          assert.equal(JSON.parse(e.mtl).seq, i)
        })
        for (const [i, receipt] of answered.entries()) {
          const stored = entries[receipt.seq]
          assert.ok(stored, `answered seq ${receipt.seq} is missing after kill -9 (round ${round})`)
          assert.deepEqual(stored.receipt, receipt)
          // Each receipt's signature is checked once (pure Ed25519 is slow); later rounds only
          // check that it is still stored unchanged.
          if (i >= verified) assert.ok(verifyReceipt({ receipt, publicKey }))
        }
        verified = answered.length
      } finally {
        await store.close()
      }
    }
    assert.ok(answered.length > 100, `enough decisions were answered (${answered.length})`)

    // A last run starts on what the crashes left, and goes on numbering without a gap.
    const g = await startChildGateway({ dataDir, env })
    try {
      const res = await fetch(new URL('/v1/decisions', g.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        body: body(),
      })
      const answer = (await res.json()) as { receipt: SignedReceipt }
      const store = SqliteLogStore.open({ path: join(dataDir, 'log.db'), logId: keys.logId })
      assert.equal(answer.receipt.seq, (await store.size()) - 1)
      await store.close()
    } finally {
      await killHard(g)
    }
  })
})
