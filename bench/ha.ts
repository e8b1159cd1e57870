// High-availability benchmark (`npm run bench:ha`): writes bench/results/ha.json.
//
// Durable decisions per second through one gateway over HTTP on 127.0.0.1, its log in SQLite
// (the data directory's log.db, WAL, synchronous FULL, the commit worker) and in PostgreSQL
// (`--store postgres://…`: a throwaway local cluster, fsync and synchronous_commit on), in the
// same run, with the same load generator as bench/gateway.ts (gateway/tools/httpLoad.ts in a
// child process). Each gateway runs in a child process of its own; the two alternate in short
// rounds so that the machine's other work hits both alike, and the median per store is reported.
//
// Then failover: three replicas of one PostgreSQL log (`tml gateway start --store` child
// processes, anchoring on two local Hardhat chains, 100 ms epochs) under a round-robin decision
// load; the leader is killed with SIGKILL five times (restarted as a follower each time).
// `failoverMs` is the median time from the SIGKILL to the first checkpoint signed by another
// replica (a checkpoint of an epoch above every epoch of the dead leader's, seen in the
// database); `lostAcked` counts acknowledged decisions missing from the log, and
// `doubleSignedEpochs` epochs with two checkpoints, in the database or on either chain.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { buildServer, DEFAULT_BODY_LIMIT } from '../gateway/src/http/buildServer.ts'
import { loadKeys } from '../gateway/src/keys/loadKeys.ts'
import { loadPolicies } from '../gateway/src/policy/loadPolicies.ts'
import { startReplica } from '../gateway/src/replica/startReplica.ts'
import { createGateway } from '../gateway/src/service/createGateway.ts'
import {
  childGatewayConfig,
  startChains,
  writeDeployments,
} from '../gateway/test/e2e/anchoredGateway.ts'
import { createDatabase, startPostgresCluster } from '../gateway/test/helpers/postgresCluster.ts'
import {
  doubleSignedEpochs,
  lostAcked,
  ReplicaSet,
  startDecisionLoad,
} from '../gateway/test/replica/replicaSet.ts'
import { type HttpLoadResult, httpLoad } from '../gateway/tools/httpLoad.ts'
import { median } from './stats.ts'

const TOKEN = 'bench-token-0123456789abcdef'
const BODY = JSON.stringify({
  profile: 'general',
  input: { text: 'hello' },
  signals: { confidence: 0.99, harm: 0.01 },
})
const SELF = fileURLToPath(import.meta.url)
const quick = process.argv.includes('--quick')

type Store = 'sqlite' | 'postgres'
type ServerMessage = { kind: 'ready'; port: number; writer: string }

if (process.argv[2] === 'client') {
  const [port, connections, durationMs] = process.argv.slice(3)
  const result = await httpLoad({
    host: '127.0.0.1',
    port: Number(port),
    method: 'POST',
    path: '/v1/decisions',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: BODY,
    connections: Number(connections),
    pipeline: 1,
    durationMs: Number(durationMs),
  })
  process.send?.(result)
  process.exit(0)
}

if (process.argv[2] === 'server') {
  // One gateway with the shipped policies and no anchoring lane: the log's durable write is
  // what differs between the two stores, everything else is the same code.
  const store = process.argv[3] as Store
  const url = process.argv[4]
  const dir = mkdtempSync(join(tmpdir(), `tml-bench-ha-${store}-`))
  const keys = loadKeys({
    dir: join(dir, 'keys'),
    env: { TML_API_KEYS: `bench:${TOKEN}` },
    create: true,
  })
  const policies = loadPolicies({
    paths: [fileURLToPath(new URL('../gateway/policies', import.meta.url))],
  })
  let port: number
  let close: () => Promise<void>
  if (store === 'postgres') {
    // As `tml gateway start --store` runs it: a replica (the only one, so the leader), its
    // writes fenced by its term, requests through the replica's front server.
    port = await freePort()
    const stop = new AbortController()
    const running = startReplica({
      postgresUrl: url as string,
      host: '127.0.0.1',
      port,
      gateway: { keys, policies, dataDir: dir },
      server: { apiKeys: [{ caller: 'bench', token: TOKEN }], bodyLimit: DEFAULT_BODY_LIMIT },
      log: pino({ level: 'silent' }),
      signal: stop.signal,
    })
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined)
      if (ready?.status === 200) break
      await new Promise((r) => setTimeout(r, 50))
    }
    close = async () => {
      stop.abort()
      await running
    }
  } else {
    const gateway = await createGateway({ keys, policies, dataDir: dir })
    const app = await buildServer({ gateway, apiKeys: [{ caller: 'bench', token: TOKEN }] })
    await app.listen({ host: '127.0.0.1', port: 0 })
    port = (app.server.address() as { port: number }).port
    close = async () => {
      await app.close()
      await gateway.close()
    }
  }
  process.on('message', async () => {
    await close()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
  process.send?.({
    kind: 'ready',
    port,
    // The SQLite store seals and commits on its worker thread; a custom store (PostgreSQL) inline.
    writer: store === 'sqlite' ? 'worker' : 'inline',
  } satisfies ServerMessage)
}

function startServer(store: Store, url?: string): Promise<{ child: ChildProcess } & ServerMessage> {
  const child = fork(SELF, ['server', store, ...(url ? [url] : [])])
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, ...(m as ServerMessage) }))
    child.once('exit', (code) => reject(new Error(`${store} gateway exited with ${code}`)))
  })
}

function load(port: number, connections: number, durationMs: number): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['client', String(port), String(connections), String(durationMs)])
    child.once('message', (m) => resolve(m as HttpLoadResult))
    child.once('error', reject)
  })
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.send({ op: 'close' })
  })
}

const round3 = (x: number) => Math.round(x * 1000) / 1000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Polls `check` every 10 ms until it holds; fails after `ms` naming `what`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms
  while (!(await check())) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(10)
  }
}

/** Five leader kills among three replicas under load: see the header. */
async function failover(clusterUrl: string) {
  const kills = quick ? 3 : 5
  const fixture = await startChains()
  let set: ReplicaSet | undefined
  try {
    const url = await createDatabase(clusterUrl, 'bench_ha_failover')
    const { args, env } = childGatewayConfig(fixture, writeDeployments(fixture), ['--store', url])
    set = await ReplicaSet.start({ url, args, env, count: 3 })
    const replicas = set
    const maxEpoch = async () =>
      Number(
        (await replicas.db.query<{ e: string | null }>('SELECT max(epoch) AS e FROM checkpoints'))
          .rows[0]?.e ?? 0,
      )
    let leader = await replicas.readyLeader(0)
    const load = startDecisionLoad({ targets: () => replicas.replicas, concurrency: 6 })
    const failoverMs: number[] = []
    const takeoverMs: number[] = []
    try {
      for (let i = 0; i < kills; i++) {
        // The leader has signed under load for a while.
        const from = await maxEpoch()
        await until(async () => (await maxEpoch()) >= from + 3, 120_000, 'three epochs')
        const killedAt = performance.now()
        const oldTerm = leader.term
        const replacing = replicas.killAndReplace(leader.replica)
        // Once the next term is in the row, every write of the dead leader is done or fenced:
        // a checkpoint above the epochs then stored is the new leader's.
        let newTerm = oldTerm
        await until(
          async () => {
            newTerm = (await replicas.leaderRow())?.term ?? oldTerm
            return newTerm > oldTerm
          },
          120_000,
          'the next term',
        )
        takeoverMs.push(Math.round(performance.now() - killedAt))
        const last = await maxEpoch()
        await until(
          async () => (await maxEpoch()) > last,
          120_000,
          'a checkpoint of the new leader',
        )
        failoverMs.push(Math.round(performance.now() - killedAt))
        console.log(`failover ${i + 1}/${kills}: ${failoverMs.at(-1)} ms (term ${newTerm})`)
        await replacing
        leader = await replicas.readyLeader(oldTerm)
      }
    } finally {
      await load.stop()
    }
    // The last epochs anchored, then the checks.
    await sleep(3_000)
    const lost = await lostAcked(replicas.db, load.acked)
    const double = await doubleSignedEpochs({
      db: replicas.db,
      logId: fixture.logId,
      chains: fixture.chains,
    })
    return {
      failoverMs: Math.round(median(failoverMs)),
      lostAcked: lost.length,
      doubleSignedEpochs: double.epochs.length,
      failover: {
        kills,
        runsMs: failoverMs,
        leaderRowMs: takeoverMs,
        acknowledged: load.acked.size,
        failures: Object.fromEntries(load.failures),
        anchorsComparedWithChains: double.compared,
        setup:
          '3 replicas (tml gateway start --store, child processes), 2 local Hardhat chains, 100 ms epochs, 6 callers round-robin over the replicas, finance profile',
      },
    }
  } finally {
    await set?.stop()
    await fixture.stop()
  }
}

async function main() {
  const loadBefore = loadavg()[0] ?? 0
  const cluster = await startPostgresCluster()
  try {
    const url = await createDatabase(cluster.url, 'bench_ha')
    const servers = {
      sqlite: await startServer('sqlite'),
      postgres: await startServer('postgres', url),
    }
    const connections = Number(process.env.TML_BENCH_CONNECTIONS ?? 64)
    const rounds = quick ? 2 : 6
    const durationMs = quick ? 1500 : 4000
    for (const s of Object.values(servers)) await load(s.port, connections, quick ? 500 : 1500)
    const runs: { sqlitePerSec: number; pgPerSec: number; ratio: number }[] = []
    const latency: Record<Store, HttpLoadResult['latencyMs'][]> = { sqlite: [], postgres: [] }
    for (let i = 0; i < rounds; i++) {
      // Alternate which store goes first, so that neither always follows the other's after-effects.
      const order: Store[] = i % 2 === 0 ? ['sqlite', 'postgres'] : ['postgres', 'sqlite']
      const rate: Partial<Record<Store, number>> = {}
      for (const store of order) {
        const r = await load(servers[store].port, connections, durationMs)
        if (Object.keys(r.statuses).some((s) => s !== '200'))
          throw new Error(`${store}: non-200 answers: ${JSON.stringify(r.statuses)}`)
        rate[store] = r.perSecond
        latency[store].push(r.latencyMs)
      }
      const sqlitePerSec = rate.sqlite ?? 0
      const pgPerSec = rate.postgres ?? 0
      runs.push({
        sqlitePerSec: Math.round(sqlitePerSec),
        pgPerSec: Math.round(pgPerSec),
        ratio: round3(pgPerSec / sqlitePerSec),
      })
      console.log(`round ${i + 1}/${rounds}: ${JSON.stringify(runs.at(-1))}`)
    }
    await Promise.all(Object.values(servers).map((s) => stopServer(s.child)))
    const ha = await failover(cluster.url)
    const pgPerSec = Math.round(median(runs.map((r) => r.pgPerSec)))
    const sqlitePerSec = Math.round(median(runs.map((r) => r.sqlitePerSec)))
    const p50 = (store: Store) => round3(median(latency[store].map((l) => l.p50)))
    const p99 = (store: Store) => round3(median(latency[store].map((l) => l.p99)))
    const result = {
      date: new Date().toISOString(),
      quick,
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        loadAverageBefore: round3(loadBefore),
        loadAverageAfter: round3(loadavg()[0] ?? 0),
      },
      pgPerSec,
      sqlitePerSec,
      ratio: round3(median(runs.map((r) => r.ratio))),
      latencyMs: {
        sqlite: { p50: p50('sqlite'), p99: p99('sqlite') },
        postgres: { p50: p50('postgres'), p99: p99('postgres') },
      },
      config: {
        connections,
        pipeline: 1,
        durationMs,
        rounds,
        loadGenerator: 'gateway/tools/httpLoad.ts (child process)',
        gateways:
          'one child process per store, no anchoring lane, shipped policies; PostgreSQL through the replica path (the only replica, so the leader; fenced writes)',
        writers: { sqlite: servers.sqlite.writer, postgres: servers.postgres.writer },
        postgres:
          'local throwaway cluster (initdb, same disk as the SQLite file), fsync on, synchronous_commit on',
      },
      runs,
      failoverMs: ha.failoverMs,
      lostAcked: ha.lostAcked,
      doubleSignedEpochs: ha.doubleSignedEpochs,
      failover: ha.failover,
      targets: {
        pgAtLeastHalfOfSqlite: pgPerSec >= 0.5 * sqlitePerSec,
        failoverAtMost5000Ms: ha.failoverMs <= 5_000,
        noLostAcked: ha.lostAcked === 0,
        noDoubleSignedEpochs: ha.doubleSignedEpochs === 0,
      },
    }
    const out = fileURLToPath(new URL('./results/ha.json', import.meta.url))
    mkdirSync(join(out, '..'), { recursive: true })
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await cluster.stop()
  }
}

if (process.argv[2] !== 'client' && process.argv[2] !== 'server') await main()
