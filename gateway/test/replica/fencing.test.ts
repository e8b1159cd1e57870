// Leadership and fencing in the database itself, on a real throwaway PostgreSQL cluster: the
// attacks a deposed leader (or a second process) could make with the raw stores, and that the
// database refuses whatever the code above it does.
//
// On the code before replicas (no `leader` table, no fencing trigger), a store of an old term
// appended, and wrote checkpoints and anchors, as long as its seq or epoch was free: the first
// test's stale appends and checkpoint would have succeeded.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { bytesToHex, hashLeaf, utf8ToBytes } from '@tml/core'
import pg from 'pg'
import type { StoredCheckpoint } from '../../src/anchoring/AnchorStore.ts'
import { PgAnchorStore } from '../../src/anchoring/PgAnchorStore.ts'
import { createPgPool } from '../../src/db/postgres/createPgPool.ts'
import {
  FENCED_SQLSTATE,
  LEADER_LOCK_CLASS,
  NOT_LEADER_SQLSTATE,
} from '../../src/db/postgres/replicaSchema.ts'
import { PgLogStore } from '../../src/memory/PgLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { FencedError } from '../../src/replica/FencedError.ts'
import { LeaderElection, leaderLockKey } from '../../src/replica/LeaderElection.ts'
import type { LeaderFence } from '../../src/replica/LeaderFence.ts'
import { LOG_ID } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { entry } from '../memory/logStoreConformance.ts'

let cluster: PostgresCluster
let databases = 0
const closers: (() => Promise<unknown>)[] = []

before(async () => {
  cluster = await startPostgresCluster()
})
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => {})
  await cluster?.stop()
})

async function freshUrl(): Promise<string> {
  databases += 1
  const url = await createDatabase(cluster.url, `replica_fencing_${databases}`)
  // A first open migrates the new database (the `leader` table among the rest).
  const pool = createPgPool({ url })
  await PgLogStore.open({ pool, logId: LOG_ID })
  await pool.end()
  return url
}

async function elect(url: string, holder: string): Promise<LeaderElection> {
  const election = await LeaderElection.connect({ url, logId: LOG_ID, holder })
  closers.push(() => election.close())
  return election
}

/** The stores of one leader: a pool of its own, writing under `term`; `fenced` collects refusals. */
async function storesOf(url: string, term: number) {
  const pool = createPgPool({ url })
  closers.push(() => pool.end())
  const refusals: Error[] = []
  const fence: LeaderFence = { term, fenced: (e) => refusals.push(e) }
  return {
    log: await PgLogStore.open({ pool, logId: LOG_ID, fence }),
    anchors: await PgAnchorStore.open({ pool, fence }),
    refusals,
  }
}

function checkpoint(epoch: number, treeSize: number): StoredCheckpoint {
  return {
    epoch,
    treeSize,
    rootHash: bytesToHex(hashLeaf(utf8ToBytes(`root ${epoch}`))),
    timestamp: 1_700_000_000 + epoch,
    signature: `0x${'11'.repeat(65)}`,
    createdMs: 1_700_000_000_000,
  }
}

const batch = (...seqs: number[]) => ({
  entries: seqs.map((s) => entry(s)),
  subjectKeys: [],
  erasedLookups: [],
})

describe('replica fencing in PostgreSQL', () => {
  test('errors: a deposed leader (stale term) can neither append, nor write a checkpoint, nodes or an anchor; the new leader continues the log', async () => {
    const url = await freshUrl()
    const first = await elect(url, 'a')
    const termA = await first.tryLead('http://a')
    assert.equal(termA, 1)
    const a = await storesOf(url, termA as number)
    await a.log.append(batch(0, 1))
    await a.anchors.putNodes([{ level: 0, index: 0, hash: new Uint8Array(32) }])
    await a.anchors.putCheckpoint(checkpoint(1, 2))

    // A's lock connection dies (as when its process is killed); B takes over with term 2.
    await first.close()
    const second = await elect(url, 'b')
    assert.equal(await second.tryLead('http://b'), 2)

    // A has not noticed and writes on with its pool: the database refuses every write.
    const stale = await a.log.append(batch(2)).catch((e: unknown) => e)
    assert.ok(stale instanceof StoreError, String(stale))
    assert.equal(stale.code, 'TML_FENCED')
    await assert.rejects(a.anchors.putCheckpoint(checkpoint(2, 3)), FencedError)
    await assert.rejects(
      a.anchors.putNodes([{ level: 0, index: 1, hash: new Uint8Array(32) }]),
      FencedError,
    )
    await assert.rejects(
      a.anchors.putAnchor({
        epoch: 1,
        chainId: 31337,
        registry: `0x${'22'.repeat(20)}`,
        status: 'pending',
        txHash: null,
        nonce: null,
        blockNumber: null,
        confirmations: 0,
        attempts: 0,
        lastError: null,
        updatedMs: 1,
      }),
      FencedError,
    )
    await assert.rejects(a.log.probe(), StoreError)
    assert.ok(a.refusals.length >= 5, `each refusal is told to the fence: ${a.refusals.length}`)

    // A store with no term at all (a gateway of the code before replicas) is refused too.
    const pool = createPgPool({ url })
    closers.push(() => pool.end())
    const unfenced = await PgLogStore.open({ pool, logId: LOG_ID })
    await assert.rejects(unfenced.append(batch(2)), (e: unknown) => {
      return e instanceof StoreError && e.code === 'TML_FENCED'
    })

    // The new leader appends where the log ends, and signs epoch 2.
    const b = await storesOf(url, 2)
    assert.equal(await b.log.size(), 2)
    await b.log.append(batch(2))
    await b.anchors.putCheckpoint(checkpoint(2, 3))
    assert.equal((await b.anchors.latestCheckpoint())?.epoch, 2)
    assert.equal(b.refusals.length, 0)
  })

  test('errors: two processes cannot both hold leadership, and only the lock holder can take a term', async () => {
    const url = await freshUrl()
    const one = await elect(url, 'one')
    const two = await elect(url, 'two')
    assert.equal(await one.tryLead('http://one'), 1)
    assert.equal(await two.tryLead('http://two'), undefined)
    assert.equal((await two.leader())?.url, 'http://one')

    // A client that skips the election and writes the term itself is refused by the database.
    const raw = new pg.Client({ connectionString: url })
    await raw.connect()
    closers.push(() => raw.end())
    for (const sql of [
      'UPDATE leader SET term = term + 1',
      "UPDATE leader SET term = 9, holder = 'raw'",
    ]) {
      const e = await raw.query(sql).catch((error: unknown) => error)
      assert.equal((e as { code?: string }).code, NOT_LEADER_SQLSTATE, sql)
    }
    await assert.rejects(raw.query('DELETE FROM leader'), /never removed/)
    // Even holding the lock, a term never goes back.
    await one.close()
    const three = await elect(url, 'three')
    assert.equal(await three.tryLead('http://three'), 2)
    await three.close()
    assert.deepEqual(
      (
        await raw.query('SELECT pg_try_advisory_lock($1, $2) AS won', [
          LEADER_LOCK_CLASS,
          leaderLockKey(LOG_ID),
        ])
      ).rows[0],
      { won: true },
    )
    const back = await raw.query('UPDATE leader SET term = 1').catch((error: unknown) => error)
    assert.equal((back as { code?: string }).code, NOT_LEADER_SQLSTATE)
    assert.equal((await raw.query('SELECT term FROM leader')).rows[0].term, '2')
  })

  test("behavior: a takeover waits for the old leader's write in flight, which stays in the log; the old term writes nothing after it", async () => {
    const url = await freshUrl()
    const first = await elect(url, 'a')
    assert.equal(await first.tryLead('http://a'), 1)
    // The old leader's append, mid-transaction (its rows inserted, not yet committed).
    const old = new pg.Client({ connectionString: url })
    await old.connect()
    closers.push(() => old.end())
    await old.query(`BEGIN; SET LOCAL tml.term = '1'`)
    await old.query(
      `INSERT INTO entries (seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature)
       VALUES (0, 'in-flight', 'decision', 1, $1, '{}', 't', $2)`,
      [Buffer.alloc(32), Buffer.alloc(64)],
    )
    // Its lock is lost (the lock connection died); B takes over and must wait for that write.
    await first.close()
    const second = await elect(url, 'b')
    const claiming = second.tryLead('http://b')
    const watcher = new pg.Client({ connectionString: url })
    await watcher.connect()
    closers.push(() => watcher.end())
    for (;;) {
      const { rows } = await watcher.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tml-replica b' AND wait_event_type = 'Lock'",
      )
      if (rows[0].n === 1) break
      await new Promise((r) => setTimeout(r, 20))
    }
    await old.query('COMMIT')
    assert.equal(await claiming, 2)
    // The write acknowledged before the takeover is there for the new leader to continue from.
    assert.deepEqual((await watcher.query('SELECT trace_id FROM entries')).rows, [
      { trace_id: 'in-flight' },
    ])
    await old.query(`BEGIN; SET LOCAL tml.term = '1'`)
    const late = await old
      .query(
        `INSERT INTO entries (seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature)
         VALUES (1, 'late', 'decision', 1, $1, '{}', 't', $2)`,
        [Buffer.alloc(32), Buffer.alloc(64)],
      )
      .catch((e: unknown) => e)
    await old.query('ROLLBACK')
    assert.equal((late as { code?: string }).code, FENCED_SQLSTATE)
  })

  test('behavior: before any replica was elected, the stores work unfenced (a store used on its own)', async () => {
    const url = await freshUrl()
    const pool = createPgPool({ url })
    closers.push(() => pool.end())
    const log = await PgLogStore.open({ pool, logId: LOG_ID })
    await log.append(batch(0))
    const anchors = await PgAnchorStore.open({ pool })
    await anchors.putCheckpoint(checkpoint(1, 1))
    assert.equal(await log.size(), 1)
  })
})
