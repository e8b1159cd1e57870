// Gateway benchmark (`npm run bench:gateway`): writes bench/results/gateway.json.
//
// 1. Decision lane, in process: decide → pseudonymize → MTL → RFC 8785 → leaf hash → receipt
//    (P-256) → durable append (SQLite WAL, fsync), one decision at a time: p50 / p99 of the
//    answer after the durable write, as the protocol defines the lane. Beside it, in the same run
//    and directory, the floor no software can go under: one durable SQLite commit of one row.
// 2. Over HTTP on 127.0.0.1: sustained decisions per second with durable appends, against the
//    same framework (Fastify) answering a bare echo route, both in one server process, with the
//    same load generator (a child process, so that it does not share the event loop it
//    measures). The two alternate in short rounds, so that the machine's other work hits both
//    alike; the ratio is taken per round and its median reported, with the best round beside it.
import { type ChildProcess, fork } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import { buildServer } from '../gateway/src/http/buildServer.ts'
import { loadKeys } from '../gateway/src/keys/loadKeys.ts'
import { loadPolicies } from '../gateway/src/policy/loadPolicies.ts'
import { createGateway, type Gateway } from '../gateway/src/service/createGateway.ts'
import { parseCustodians } from '../gateway/src/vault/Custodian.ts'
import { generateVaultKeyPair } from '../gateway/src/vault/hpkeSuite.ts'
import { type HttpLoadResult, httpLoad } from '../gateway/tools/httpLoad.ts'
import { costBreakdown, RECEIPT_SIGNER } from './gatewayCosts.ts'
import { median, quantile } from './stats.ts'
import { sealCosts } from './vaultCosts.ts'

const TOKEN = 'bench-token-0123456789abcdef'
const BODY = JSON.stringify({
  profile: 'general',
  input: { text: 'hello' },
  signals: { confidence: 0.99, harm: 0.01 },
})
const SELF = fileURLToPath(import.meta.url)
const quick = process.argv.includes('--quick')

type ServerMessage =
  | { kind: 'ready'; gatewayPort: number; echoPort: number }
  | { kind: 'usage'; cpuUs: number; mainCpuUs: number; commits: number; appended: number }
type ServerCommand = { op: 'usage' } | { op: 'close' }

/** What the load generator reports: its result and the CPU time it spent (µs). */
type ClientReport = HttpLoadResult & { clientCpuUs: number }

if (process.argv[2] === 'client') {
  const [port, path, connections, pipeline, durationMs] = process.argv.slice(3)
  const cpuBefore = process.cpuUsage()
  const result = await httpLoad({
    host: '127.0.0.1',
    port: Number(port),
    method: 'POST',
    path: path as string,
    headers: { authorization: `Bearer ${TOKEN}` },
    body: BODY,
    connections: Number(connections),
    pipeline: Number(pipeline),
    durationMs: Number(durationMs),
  })
  const cpu = process.cpuUsage(cpuBefore)
  process.send?.({ ...result, clientCpuUs: cpu.user + cpu.system } satisfies ClientReport)
  process.exit(0)
}

async function startGateway(
  dir: string,
  writer: 'worker' | 'inline',
  vault = false,
): Promise<Gateway> {
  mkdirSync(dir, { recursive: true })
  const keys = loadKeys({
    dir: join(dir, 'keys'),
    env: { TML_API_KEYS: `bench:${TOKEN}` },
    create: true,
  })
  const policies = loadPolicies({
    paths: [fileURLToPath(new URL('../gateway/policies', import.meta.url))],
  })
  // The vault as an operator would run it: three custodians, two of them needed.
  const custodians = vault
    ? await Promise.all(
        [0, 1, 2].map(async (i) => `c${i}=${(await generateVaultKeyPair()).publicKey}`),
      )
    : []
  return createGateway({
    keys,
    policies,
    dataDir: dir,
    writer,
    ...(vault ? { vault: { set: parseCustodians(custodians, 2) } } : {}),
  })
}

if (process.argv[2] === 'server') {
  // The gateway and the bare route in one process: the same runtime, flags and machine share.
  const writer = (process.argv[3] as 'worker' | 'inline' | undefined) ?? 'worker'
  const dir = mkdtempSync(join(tmpdir(), 'tml-bench-http-'))
  const gateway = await startGateway(dir, writer, process.argv[4] === 'vault')
  const app = await buildServer({ gateway, apiKeys: [{ caller: 'bench', token: TOKEN }] })
  await app.listen({ host: '127.0.0.1', port: 0 })
  // The bare route: same framework, same JSON body parsing and serialization, nothing else.
  const echo = Fastify()
  echo.post('/echo', async (request) => request.body)
  await echo.listen({ host: '127.0.0.1', port: 0 })
  const send = (m: ServerMessage) => process.send?.(m)
  process.on('message', async (command: ServerCommand) => {
    if (command.op === 'usage') {
      // The whole process, and its main thread alone (the rest: commit worker, GC helpers).
      const { user, system } = process.cpuUsage()
      const main = process.threadCpuUsage()
      const { commits, appended } = gateway.memory.stats
      send({
        kind: 'usage',
        cpuUs: user + system,
        mainCpuUs: main.user + main.system,
        commits,
        appended,
      })
      return
    }
    await app.close()
    await echo.close()
    await gateway.close()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
  send({
    kind: 'ready',
    gatewayPort: (app.server.address() as { port: number }).port,
    echoPort: (echo.server.address() as { port: number }).port,
  })
}

function load(
  port: number,
  path: string,
  connections: number,
  pipeline: number,
  durationMs: number,
): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, [
      'client',
      String(port),
      path,
      String(connections),
      String(pipeline),
      String(durationMs),
    ])
    child.once('message', (m) => resolve(m as ClientReport))
    child.once('error', reject)
  })
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
const round1 = (x: number) => Math.round(x * 10) / 10

/** CPU time per request (µs) by where it was spent; `total` is what the two vCPUs must share. */
type ThreadCpu = { client: number; serverMain: number; serverOther: number; total: number }
const threadCpu = (m: {
  serverCpuUsPerRequest: number
  mainCpuUsPerRequest: number
  clientCpuUsPerRequest: number
}): ThreadCpu => ({
  client: Math.round(m.clientCpuUsPerRequest),
  serverMain: Math.round(m.mainCpuUsPerRequest),
  serverOther: Math.round(m.serverCpuUsPerRequest - m.mainCpuUsPerRequest),
  total: Math.round(m.clientCpuUsPerRequest + m.serverCpuUsPerRequest),
})

const medianThreadCpu = (xs: ThreadCpu[]): ThreadCpu => ({
  client: Math.round(median(xs.map((x) => x.client))),
  serverMain: Math.round(median(xs.map((x) => x.serverMain))),
  serverOther: Math.round(median(xs.map((x) => x.serverOther))),
  total: Math.round(median(xs.map((x) => x.total))),
})

async function lane(writer: 'worker' | 'inline') {
  const dir = mkdtempSync(join(tmpdir(), `tml-bench-lane-${writer}-`))
  const gateway = await startGateway(dir, writer)
  const input = JSON.parse(BODY)
  const n = quick ? 1000 : 5000
  for (let i = 0; i < 500; i++) await gateway.service.decide({ input, caller: 'bench' })
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const answer = await gateway.service.decide({ input, caller: 'bench' })
    times.push(performance.now() - t0)
    if (!answer.logged) throw new Error('lane decision not logged')
  }
  await gateway.close()
  rmSync(dir, { recursive: true, force: true })
  times.sort((a, b) => a - b)
  return {
    p50: round3(quantile(times, 0.5)),
    p99: round3(quantile(times, 0.99)),
    max: round3(times[times.length - 1] ?? 0),
    n,
    signer: RECEIPT_SIGNER,
  }
}

/** One durable SQLite commit of one small row (WAL, synchronous FULL): the lane's floor. */
function durableWriteFloor() {
  const dir = mkdtempSync(join(tmpdir(), 'tml-bench-floor-'))
  const db = new Database(join(dir, 'floor.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)')
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  const n = quick ? 1000 : 5000
  const times: number[] = []
  for (let i = 0; i < n + 200; i++) {
    const t0 = performance.now()
    insert.run('x'.repeat(700))
    if (i >= 200) times.push(performance.now() - t0)
  }
  db.close()
  rmSync(dir, { recursive: true, force: true })
  times.sort((a, b) => a - b)
  return { p50: round3(quantile(times, 0.5)), p99: round3(quantile(times, 0.99)), n }
}

/** The next message of `kind` from a bench server process. */
function serverMessage<K extends ServerMessage['kind']>(
  server: ChildProcess,
  kind: K,
): Promise<Extract<ServerMessage, { kind: K }>> {
  return new Promise((resolve) => {
    const on = (m: ServerMessage) => {
      if (m.kind !== kind) return
      server.off('message', on)
      resolve(m as Extract<ServerMessage, { kind: K }>)
    }
    server.on('message', on)
  })
}

/** A bench server's CPU time and commit counts so far. */
function serverUsage(server: ChildProcess): Promise<Extract<ServerMessage, { kind: 'usage' }>> {
  const usage = serverMessage(server, 'usage')
  server.send({ op: 'usage' } satisfies ServerCommand)
  return usage
}

async function http(writer: 'worker' | 'inline') {
  // TML_BENCH_SERVER_FLAGS: V8 flags for the server process (both routes), e.g. GC tuning.
  const flags = (process.env.TML_BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean)
  const server: ChildProcess = fork(SELF, ['server', writer], {
    execArgv: [...process.execArgv, ...flags],
  })
  const { gatewayPort, echoPort } = await serverMessage(server, 'ready')
  const connections = Number(process.env.TML_BENCH_CONNECTIONS ?? 128)
  const pipeline = 1
  const rounds = quick ? 2 : 6
  const durationMs = quick ? 2000 : 4000
  await load(echoPort, '/echo', connections, pipeline, 1500)
  await load(gatewayPort, '/v1/decisions', connections, pipeline, 1500)
  const measure = async (port: number, path: string) => {
    const before = await serverUsage(server)
    const result = await load(port, path, connections, pipeline, durationMs)
    const after = await serverUsage(server)
    const commits = after.commits - before.commits
    return {
      result,
      serverCpuUsPerRequest: (after.cpuUs - before.cpuUs) / result.completed,
      mainCpuUsPerRequest: (after.mainCpuUs - before.mainCpuUs) / result.completed,
      clientCpuUsPerRequest: result.clientCpuUs / result.completed,
      averageGroupCommit: commits > 0 ? (after.appended - before.appended) / commits : 0,
    }
  }
  const runs: {
    echoPerSec: number
    decisionsPerSec: number
    ratio: number
    echoCpuUs: number
    decisionCpuUs: number
    cpuUsPerRequest: { echo: ThreadCpu; decision: ThreadCpu }
    averageGroupCommit: number
    latencyMs: HttpLoadResult['latencyMs']
  }[] = []
  for (let i = 0; i < rounds; i++) {
    // Alternate which side goes first, so that neither always follows the other's after-effects.
    const first = i % 2 === 0 ? 'echo' : 'gateway'
    const a = await measure(
      first === 'echo' ? echoPort : gatewayPort,
      first === 'echo' ? '/echo' : '/v1/decisions',
    )
    const b = await measure(
      first === 'echo' ? gatewayPort : echoPort,
      first === 'echo' ? '/v1/decisions' : '/echo',
    )
    const [e, g] = first === 'echo' ? [a, b] : [b, a]
    for (const r of [e, g]) {
      if (Object.keys(r.result.statuses).some((s) => s !== '200'))
        throw new Error(`non-200 answers: ${JSON.stringify(r.result.statuses)}`)
    }
    runs.push({
      echoPerSec: Math.round(e.result.perSecond),
      decisionsPerSec: Math.round(g.result.perSecond),
      ratio: round3(g.result.perSecond / e.result.perSecond),
      echoCpuUs: Math.round(e.serverCpuUsPerRequest),
      decisionCpuUs: Math.round(g.serverCpuUsPerRequest),
      cpuUsPerRequest: { echo: threadCpu(e), decision: threadCpu(g) },
      averageGroupCommit: round3(g.averageGroupCommit),
      latencyMs: {
        p50: round3(g.result.latencyMs.p50),
        p99: round3(g.result.latencyMs.p99),
        max: round3(g.result.latencyMs.max),
      },
    })
  }
  server.send({ op: 'close' } satisfies ServerCommand)
  await new Promise((resolve) => server.once('exit', resolve))
  const best = runs.reduce((x, y) => (y.ratio > x.ratio ? y : x))
  return { writer, connections, pipeline, durationMs, rounds, runs, best, flags }
}

/**
 * Durable decisions per second with the vault on ÷ off: two gateway servers (worker writer) in
 * the same run, loaded in alternating rounds so that the machine's other work hits both alike;
 * the median of the per-round ratios.
 */
async function vaultThroughput() {
  const start = async (vault: boolean) => {
    const server = fork(SELF, ['server', 'worker', vault ? 'vault' : 'plain'])
    const ready = await serverMessage(server, 'ready')
    return { server, port: ready.gatewayPort }
  }
  const off = await start(false)
  const on = await start(true)
  const connections = Number(process.env.TML_BENCH_CONNECTIONS ?? 128)
  const rounds = quick ? 2 : 6
  const durationMs = quick ? 1500 : 4000
  await load(off.port, '/v1/decisions', connections, 1, 1000)
  await load(on.port, '/v1/decisions', connections, 1, 1000)
  // CPU time of each side over all rounds: the server process's (event loop, commit worker and
  // the rest) and the load generator's, which shares the machine's CPUs with it.
  const cpu = {
    off: { serverUs: 0, clientUs: 0, decisions: 0 },
    on: { serverUs: 0, clientUs: 0, decisions: 0 },
  }
  const measure = async (side: typeof off, spent: (typeof cpu)['off']) => {
    const before = await serverUsage(side.server)
    const result = await load(side.port, '/v1/decisions', connections, 1, durationMs)
    const after = await serverUsage(side.server)
    spent.serverUs += after.cpuUs - before.cpuUs
    spent.clientUs += result.clientCpuUs
    spent.decisions += result.completed
    return result
  }
  const runs: { vaultOffPerSec: number; vaultOnPerSec: number; ratio: number }[] = []
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)
    const results = {
      off: undefined as ClientReport | undefined,
      on: undefined as ClientReport | undefined,
    }
    for (const name of order) results[name] = await measure(name === 'off' ? off : on, cpu[name])
    const [o, v] = [results.off as ClientReport, results.on as ClientReport]
    for (const r of [o, v])
      if (Object.keys(r.statuses).some((s) => s !== '200'))
        throw new Error(`non-200 answers: ${JSON.stringify(r.statuses)}`)
    runs.push({
      vaultOffPerSec: Math.round(o.perSecond),
      vaultOnPerSec: Math.round(v.perSecond),
      ratio: round3(v.perSecond / o.perSecond),
    })
  }
  for (const { server } of [off, on]) {
    server.send({ op: 'close' } satisfies ServerCommand)
    await new Promise((resolve) => server.once('exit', resolve))
  }
  const perDecision = (c: (typeof cpu)['off']) => ({
    server: round1(c.serverUs / c.decisions),
    client: round1(c.clientUs / c.decisions),
    total: round1((c.serverUs + c.clientUs) / c.decisions),
  })
  const cpuUsPerDecision = { off: perDecision(cpu.off), on: perDecision(cpu.on) }
  return {
    ratio: round3(median(runs.map((r) => r.ratio))),
    // What the vault costs in CPU, steadier than throughput on a shared machine: total CPU per
    // decision off ÷ on (the throughput ratio the CPUs would allow if nothing else ran).
    cpuRatio: round3(cpuUsPerDecision.off.total / cpuUsPerDecision.on.total),
    cpuUsPerDecision,
    connections,
    durationMs,
    runs,
  }
}

/** `--vault-only`: measures the vault's two figures and updates them in the existing results. */
async function vaultOnly() {
  const out = fileURLToPath(new URL('./results/gateway.json', import.meta.url))
  const previous = existsSync(out)
    ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>)
    : {}
  const loadAverageBefore = round3(loadavg()[0] as number)
  const seal = sealCosts({ quick })
  const throughput = await vaultThroughput()
  const result = {
    ...previous,
    sealUs: seal.sealUs,
    vaultThroughputRatio: throughput.ratio,
    vault: {
      ...seal,
      throughput,
      date: new Date().toISOString(),
      quick,
      // The machine is shared: the 1-minute load average says how quiet the run was.
      loadAverageBefore,
      loadAverageAfter: round3(loadavg()[0] as number),
    },
  }
  mkdirSync(join(out, '..'), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(
    JSON.stringify(
      { sealUs: seal.sealUs, vaultThroughputRatio: throughput.ratio, vault: result.vault },
      null,
      2,
    ),
  )
}

async function main() {
  const loadBefore = loadavg()[0] ?? 0
  // The lane proper runs every step on one thread (`--writer inline`): ignition to durable append
  // with no thread hop. The worker writer (the server's default, for throughput) is reported too.
  const floor = durableWriteFloor()
  const laneInline = await lane('inline')
  const laneWorker = await lane('worker')
  const costs = await costBreakdown({ quick, start: (dir) => startGateway(dir, 'inline') })
  const h = await http('worker')
  const seal = sealCosts({ quick })
  const vault = await vaultThroughput()
  const ratios = h.runs.map((r) => r.ratio)
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageBefore: round3(loadBefore),
      loadAverageAfter: round3(loadavg()[0] ?? 0),
    },
    laneP50Ms: laneInline.p50,
    laneP99Ms: laneInline.p99,
    laneMaxMs: laneInline.max,
    laneSamples: laneInline.n,
    laneWriter: 'inline',
    laneWorkerWriter: laneWorker,
    receiptSigner: laneInline.signer,
    durableWriteFloorMs: floor,
    ratio: round3(median(ratios)),
    ratioBestRound: h.best.ratio,
    decisionsPerSec: Math.round(median(h.runs.map((r) => r.decisionsPerSec))),
    bareEchoPerSec: Math.round(median(h.runs.map((r) => r.echoPerSec))),
    decisionsPerSecBestRound: h.best.decisionsPerSec,
    bareEchoPerSecBestRound: h.best.echoPerSec,
    serverCpuUsPerDecision: Math.round(median(h.runs.map((r) => r.decisionCpuUs))),
    serverCpuUsPerEcho: Math.round(median(h.runs.map((r) => r.echoCpuUs))),
    // Medians over the rounds of the CPU per request of the client, the server's event loop and
    // its other threads (the commit worker): on 2 vCPUs, the totals' ratio bounds the rate ratio.
    cpuUsPerRequest: {
      echo: medianThreadCpu(h.runs.map((r) => r.cpuUsPerRequest.echo)),
      decision: medianThreadCpu(h.runs.map((r) => r.cpuUsPerRequest.decision)),
    },
    httpLatencyMs: h.best.latencyMs,
    httpConfig: {
      writer: h.writer,
      connections: h.connections,
      pipeline: h.pipeline,
      durationMs: h.durationMs,
      rounds: h.rounds,
      loadGenerator: 'gateway/tools/httpLoad.ts (child process)',
      server: 'child process: gateway and bare route side by side',
      serverFlags: h.flags,
    },
    averageGroupCommit: round3(median(h.runs.map((r) => r.averageGroupCommit))),
    // What one decision's record costs the commit worker, step by step, on one quiet thread:
    // the part of `cpuUsPerRequest.decision.serverOther` that no batching or overlap removes.
    costPerRecordUs: costs,
    runs: h.runs,
    // The sealed evidence vault: sealing one record in the commit worker, and durable decisions
    // per second with the vault on ÷ off (two servers, same run).
    sealUs: seal.sealUs,
    vaultThroughputRatio: vault.ratio,
    vault: { ...seal, throughput: vault },
    targets: {
      laneP99Under1Ms: laneInline.p99 < 1,
      atLeastHalfOfBareEcho: median(ratios) >= 0.5,
      atLeast5000PerSec: median(h.runs.map((r) => r.decisionsPerSec)) >= 5000,
      sealUsAtMost15: seal.sealUs <= 15,
      vaultRatioAtLeast085: vault.ratio >= 0.85,
    },
  }
  const out = fileURLToPath(new URL('./results/gateway.json', import.meta.url))
  mkdirSync(join(out, '..'), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(JSON.stringify(result, null, 2))
}

if (process.argv[2] !== 'client' && process.argv[2] !== 'server')
  await (process.argv.includes('--vault-only') ? vaultOnly() : main())
