// ReplicaNode on a real PostgreSQL cluster with real HTTP on 127.0.0.1: election, forwarding,
// what callers of a follower see around a failover, and fail-stop. The leader's gateway is a
// small request handler here (the failover test runs the real gateway in child processes).
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { createPgPool } from '../../src/db/postgres/createPgPool.ts'
import { preparePostgresSchema } from '../../src/db/postgres/postgresSchema.ts'
import { LEADER_LOCK_CLASS } from '../../src/db/postgres/replicaSchema.ts'
import { leaderLockKey } from '../../src/replica/LeaderElection.ts'
import type { LeaderFence } from '../../src/replica/LeaderFence.ts'
import { type LeaderApp, ReplicaNode } from '../../src/replica/ReplicaNode.ts'
import { LOG_ID } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'

let cluster: PostgresCluster
let databases = 0
const nodes: ReplicaNode[] = []

before(async () => {
  cluster = await startPostgresCluster()
})
after(async () => {
  for (const n of nodes) await n.close().catch(() => {})
  await cluster?.stop()
})

async function freshUrl(): Promise<string> {
  databases += 1
  const url = await createDatabase(cluster.url, `replica_node_${databases}`)
  const pool = createPgPool({ url })
  await preparePostgresSchema(pool, { where: url })
  await pool.end()
  return url
}

type Behaviour = 'echo' | 'break'

/** A replica whose "gateway" echoes who answered (or breaks the connection when told to). */
async function replica(url: string, behaviour: { now: Behaviour } = { now: 'echo' }) {
  const fences: LeaderFence[] = []
  const node = await ReplicaNode.start({
    url,
    logId: LOG_ID,
    host: '127.0.0.1',
    port: 0,
    bodyLimit: 1024,
    pollMs: 50,
    forwardRetryMs: 5_000,
    lead: async (fence): Promise<LeaderApp> => {
      fences.push(fence)
      return {
        handle(req: IncomingMessage, res: ServerResponse) {
          let body = ''
          req.on('data', (c: Buffer) => (body += c.toString()))
          req.on('end', () => {
            if (behaviour.now === 'break') {
              res.socket?.destroy()
              return
            }
            res.writeHead(200, { 'content-type': 'application/json' })
            res.end(
              JSON.stringify({
                leader: node.name,
                term: fence.term,
                forwardedBy: req.headers['x-tml-forwarded'] ?? null,
                body,
              }),
            )
          })
        },
        close: async () => {},
      }
    },
  })
  nodes.push(node)
  return { node, fences, behaviour }
}

async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const post = (node: ReplicaNode, body: string) =>
  fetch(new URL('/v1/decisions', node.url), { method: 'POST', body })

describe('ReplicaNode', () => {
  test('behavior: one of two replicas leads; the other forwards requests and streams the answers back', async () => {
    const url = await freshUrl()
    const a = await replica(url)
    await until(() => (a.node.role === 'leader' ? true : undefined), 'a leads')
    const b = await replica(url)
    await until(() => b.node.leaderUrl, 'b follows')
    const res = await post(b.node, 'hello')
    assert.equal(res.status, 200)
    const answer = (await res.json()) as { leader: string; forwardedBy: string; body: string }
    assert.deepEqual(answer, {
      leader: a.node.name,
      term: 1,
      forwardedBy: b.node.name,
      body: 'hello',
    })
    const ready = await fetch(new URL('/healthz', b.node.url))
    assert.deepEqual(await ready.json(), { status: 'ok' })
    assert.equal(b.fences.length, 0, 'a follower never started the gateway')
  })

  test('behavior: requests sent to a follower while the leader goes away are held and answered by the next leader', async () => {
    const url = await freshUrl()
    const a = await replica(url)
    await until(() => (a.node.role === 'leader' ? true : undefined), 'a leads')
    const b = await replica(url)
    await until(() => b.node.leaderUrl, 'b follows')
    const c = await replica(url)
    await until(() => c.node.leaderUrl, 'c follows')
    // The leader goes (its listener closes and its lock is released): requests to followers are
    // refused by it, held, then answered by whichever follower takes over.
    const closing = a.node.close()
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => post(i % 2 ? b.node : c.node, `r${i}`)),
    )
    await closing
    for (const res of answers) assert.equal(res.status, 200, await res.clone().text())
    for (const r of answers) assert.ok([1, 2].includes(((await r.json()) as { term: number }).term))
    const next = b.node.role === 'leader' ? b : c
    assert.equal(next.node.term, 2)
  })

  test('errors: a request whose connection to the leader broke after it was sent is answered 503 TML_OUTCOME_UNKNOWN, not sent again', async () => {
    const url = await freshUrl()
    const a = await replica(url, { now: 'break' })
    await until(() => (a.node.role === 'leader' ? true : undefined), 'a leads')
    const b = await replica(url)
    await until(() => b.node.leaderUrl, 'b follows')
    const res = await post(b.node, 'decide')
    assert.equal(res.status, 503)
    const body = (await res.json()) as { code: string; error: string }
    assert.equal(body.code, 'TML_OUTCOME_UNKNOWN')
    assert.match(body.error, /outcome is unknown/)
  })

  test('errors: a follower whose leader cannot be reached is not ready, and says why', async () => {
    const url = await freshUrl()
    // A session that took the lock and the next term, advertising a URL where nothing listens
    // (a leader whose machine is gone from the network but whose lock the server still keeps).
    const squatter = new pg.Client({ connectionString: url })
    await squatter.connect()
    try {
      await squatter.query('SELECT pg_advisory_lock($1, $2)', [
        LEADER_LOCK_CLASS,
        leaderLockKey(LOG_ID),
      ])
      await squatter.query(
        `INSERT INTO leader (id, term, lock_key, url, holder, since_ms)
         VALUES (1, 1, $1, 'http://127.0.0.1:9', 'squatter', 0)`,
        [leaderLockKey(LOG_ID)],
      )
      const b = await replica(url)
      await until(() => b.node.leaderUrl, 'b follows')
      const ready = await fetch(new URL('/readyz', b.node.url))
      assert.equal(ready.status, 503)
      const body = (await ready.json()) as { ready: boolean; reason: string }
      assert.equal(body.ready, false)
      assert.match(body.reason, /no reachable leader: http:\/\/127\.0\.0\.1:9: ECONNREFUSED/)
      // A decision is held for the retry window, then refused with a reason (not a hang).
      const res = await post(b.node, 'decide')
      assert.equal(res.status, 503)
      assert.equal(((await res.json()) as { code: string }).code, 'TML_NO_LEADER')
      assert.equal(b.fences.length, 0)
    } finally {
      await squatter.end()
    }
  })

  test('errors: a leader whose election connection is terminated is deposed (fail-stop) and answers 503 TML_NOT_LEADER; a follower takes over with the next term', async () => {
    const url = await freshUrl()
    const a = await replica(url)
    await until(() => (a.node.role === 'leader' ? true : undefined), 'a leads')
    const b = await replica(url)
    await until(() => b.node.leaderUrl, 'b follows')
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [`tml-replica ${a.node.name}`],
      )
    } finally {
      await admin.end()
    }
    const reason = await a.node.deposed
    assert.match(reason.message, /lost the leader election connection/)
    assert.equal(a.node.role, 'deposed')
    const res = await post(a.node, 'late')
    assert.equal(res.status, 503)
    assert.equal(res.headers.get('x-tml-not-leader'), '1')
    assert.equal(((await res.json()) as { code: string }).code, 'TML_NOT_LEADER')
    await until(() => (b.node.role === 'leader' ? true : undefined), 'b takes over')
    assert.equal(b.node.term, 2)
  })
})
