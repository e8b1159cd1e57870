// The PostgreSQL anchoring store on a real, throwaway PostgreSQL cluster: the AnchorStore
// behaviour suite, then what replicas sharing one database rely on: two stores (two pools, as
// two gateway processes have) racing to store different evidence for one epoch, and the
// database refusing it even from a client that skips the store's code.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { bytesToHex, type Hex, hashLeaf, utf8ToBytes } from '@tml/core'
import pg from 'pg'
import type { AnchorStore, StoredCheckpoint } from '../../src/anchoring/AnchorStore.ts'
import { AnchorStoreError } from '../../src/anchoring/AnchorStoreError.ts'
import { PgAnchorStore } from '../../src/anchoring/PgAnchorStore.ts'
import { WRITE_ONCE_SQLSTATE } from '../../src/db/postgres/anchoringSchema.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { describeAnchorStore } from './anchorStoreConformance.ts'

let cluster: PostgresCluster
let databases = 0
const urls = new WeakMap<AnchorStore, string>()

before(async () => {
  cluster = await startPostgresCluster()
})
after(async () => {
  await cluster?.stop()
})

async function freshUrl(): Promise<string> {
  databases++
  return createDatabase(cluster.url, `anchor_store_${process.pid}_${databases}`)
}

async function open(url: string): Promise<PgAnchorStore> {
  const store = await PgAnchorStore.open({ url })
  urls.set(store, url)
  return store
}

describeAnchorStore('PgAnchorStore', {
  fresh: async () => open(await freshUrl()),
  reopen: async (store) => open(urls.get(store) as string),
})

function checkpoint(epoch: number, variant: number): StoredCheckpoint {
  return {
    epoch,
    treeSize: epoch * 10 + variant,
    rootHash: bytesToHex(hashLeaf(utf8ToBytes(`root ${epoch}/${variant}`))),
    timestamp: 1_700_000_000 + epoch,
    signature: `0x${variant.toString(16).padStart(2, '0').repeat(65)}`,
    createdMs: 1_700_000_000_000,
  }
}

describe('PgAnchorStore shared by replicas', () => {
  test('two processes racing: one checkpoint per epoch, whichever wins', async () => {
    const url = await freshUrl()
    // Two stores with their own pools: two gateway processes on one database.
    const [a, b] = await Promise.all([open(url), open(url)])
    try {
      for (let epoch = 1; epoch <= 20; epoch++) {
        const [x, y] = [checkpoint(epoch, 1), checkpoint(epoch, 2)]
        // Intents race, then both sign what they think is theirs and race to store it.
        const intents = await Promise.allSettled([a.putIntent(x), b.putIntent(y)])
        assert.equal(intents.filter((r) => r.status === 'fulfilled').length, 1, `epoch ${epoch}`)
        const stored = await Promise.allSettled([a.putCheckpoint(x), b.putCheckpoint(y)])
        const won = stored.filter((r) => r.status === 'fulfilled')
        assert.equal(won.length, 1, `epoch ${epoch}: exactly one checkpoint stored`)
        for (const r of stored)
          if (r.status === 'rejected')
            assert.ok(r.reason instanceof AnchorStoreError, String(r.reason))
        const winner = stored[0]?.status === 'fulfilled' ? x : y
        assert.equal(intents[stored[0]?.status === 'fulfilled' ? 0 : 1]?.status, 'fulfilled')
        assert.deepEqual(await a.checkpoint(epoch), winner)
        assert.deepEqual(await b.checkpoint(epoch), winner)
      }
      // Checkpoints straight away (no intent first), racing: still one per epoch.
      for (let epoch = 21; epoch <= 40; epoch++) {
        const stored = await Promise.allSettled([
          a.putCheckpoint(checkpoint(epoch, 1)),
          b.putCheckpoint(checkpoint(epoch, 2)),
        ])
        assert.equal(stored.filter((r) => r.status === 'fulfilled').length, 1, `epoch ${epoch}`)
      }
      const rows = await a.checkpoints(1, 1000)
      assert.deepEqual(
        rows.map((c) => c.epoch),
        Array.from({ length: 40 }, (_, i) => i + 1),
      )
    } finally {
      await a.close()
      await b.close()
    }
  })

  test('the database itself refuses a second checkpoint, a changed one, or a deleted node', async () => {
    const url = await freshUrl()
    const store = await open(url)
    // A client that skips the store's code (another program, a bug, an older replica).
    const raw = new pg.Client({ connectionString: url })
    await raw.connect()
    try {
      const first = checkpoint(1, 1)
      await store.putIntent(first)
      await store.putCheckpoint(first)
      await store.putNodes([{ level: 0, index: 0, hash: hashLeaf(utf8ToBytes('mtl 0')) }])
      const other = checkpoint(1, 2)
      const buf = (hex: Hex) => Buffer.from(hex.slice(2), 'hex')
      const insertCheckpoint = (c: StoredCheckpoint) =>
        raw.query(
          'INSERT INTO checkpoints (epoch, tree_size, root_hash, timestamp, signature, created_ms) VALUES ($1, $2, $3, $4, $5, $6)',
          [c.epoch, c.treeSize, buf(c.rootHash), c.timestamp, buf(c.signature), c.createdMs],
        )
      await assert.rejects(insertCheckpoint(other), { code: '23505' }) // primary key
      // Another epoch: a checkpoint with no intent, or not its intent's, is refused too.
      await assert.rejects(insertCheckpoint(checkpoint(2, 1)), { code: '23503' })
      await raw.query(
        'INSERT INTO checkpoint_intents (epoch, tree_size, root_hash, timestamp) VALUES (2, 21, $1, 1)',
        [buf(checkpoint(2, 1).rootHash)],
      )
      await assert.rejects(insertCheckpoint(checkpoint(2, 1)), { code: '23503' })
      await assert.rejects(
        raw.query(
          'INSERT INTO checkpoint_intents (epoch, tree_size, root_hash, timestamp) VALUES (1, 5, $1, 1)',
          [buf(other.rootHash)],
        ),
        { code: '23505' },
      )
      for (const sql of [
        'UPDATE checkpoints SET root_hash = root_hash WHERE epoch = 1',
        'DELETE FROM checkpoints WHERE epoch = 1',
        'UPDATE checkpoint_intents SET tree_size = 0',
        'DELETE FROM checkpoint_intents',
        'UPDATE nodes SET hash = hash',
        'DELETE FROM nodes',
        'TRUNCATE nodes',
      ])
        await assert.rejects(raw.query(sql), { code: WRITE_ONCE_SQLSTATE }, sql)
      assert.deepEqual(await store.checkpoint(1), first)
      assert.equal(await store.treeSize(), 1)
      // Two transactions racing outside the store, without its lock: the later one fails when
      // the first commits.
      const raw2 = new pg.Client({ connectionString: url })
      await raw2.connect()
      try {
        const insertIntent = (c: pg.Client, variant: number) =>
          c.query(
            'INSERT INTO checkpoint_intents (epoch, tree_size, root_hash, timestamp) VALUES (3, $1, $2, 1)',
            [30 + variant, buf(checkpoint(3, variant).rootHash)],
          )
        await raw.query('BEGIN')
        await raw2.query('BEGIN')
        await insertIntent(raw, 1)
        // Waits on the first transaction's row. Its refusal can arrive before COMMIT's answer:
        // the expectation is attached now, so that it is never an unhandled rejection.
        const second = assert.rejects(insertIntent(raw2, 2), { code: '23505' })
        await raw.query('COMMIT')
        await second
        await raw2.query('ROLLBACK')
      } finally {
        await raw2.end()
      }
      const { rows } = await raw.query('SELECT tree_size FROM checkpoint_intents WHERE epoch = 3')
      assert.deepEqual(
        rows.map((r) => Number(r.tree_size)),
        [31],
      )
    } finally {
      await raw.end()
      await store.close()
    }
  })

  test('a pool of the caller is left open; a URL that is not PostgreSQL is refused', async () => {
    const url = await freshUrl()
    const pool = new pg.Pool({ connectionString: url, max: 2 })
    try {
      const store = await PgAnchorStore.open({ pool })
      await store.putCheckpoint(checkpoint(1, 1))
      await store.close()
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM checkpoints')
      assert.equal(rows[0].n, 1)
    } finally {
      await pool.end()
    }
    await assert.rejects(PgAnchorStore.open({ url: 'mysql://db/tml' }), TypeError)
  })
})
