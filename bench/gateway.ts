// Gateway benchmark (`npm run bench:gateway`): writes bench/results/gateway.json.
//
// 1. Decision lane, in process: decide → pseudonymize → MTL → RFC 8785 → leaf hash → receipt
//    (Ed25519) → durable append (SQLite WAL, fsync), one decision at a time: p50 / p99 latency.
// 2. Over HTTP on 127.0.0.1: sustained decisions per second with durable appends, against the
//    same framework (Fastify) answering a bare echo route in the same run, same load generator
//    (a child process, so that it does not share the event loop it measures).
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { buildServer } from '../gateway/src/http/buildServer.ts'
import { loadKeys } from '../gateway/src/keys/loadKeys.ts'
import { loadPolicies } from '../gateway/src/policy/loadPolicies.ts'
import { createGateway, type Gateway } from '../gateway/src/service/createGateway.ts'
import { type HttpLoadResult, httpLoad } from '../gateway/tools/httpLoad.ts'

const TOKEN = 'bench-token-0123456789abcdef'
const BODY = JSON.stringify({
  profile: 'general',
  input: { text: 'hello' },
  signals: { confidence: 0.99, harm: 0.01 },
})
const SELF = fileURLToPath(import.meta.url)
const quick = process.argv.includes('--quick')

if (process.argv[2] === 'client') {
  const [port, path, connections, pipeline, durationMs] = process.argv.slice(3)
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
  process.send?.(result)
  process.exit(0)
}

function load(
  port: number,
  path: string,
  connections: number,
  pipeline: number,
  durationMs: number,
): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, [
      'client',
      String(port),
      path,
      String(connections),
      String(pipeline),
      String(durationMs),
    ])
    child.once('message', (m) => resolve(m as HttpLoadResult))
    child.once('error', reject)
  })
}

async function startGateway(dir: string, writer: 'worker' | 'inline'): Promise<Gateway> {
  mkdirSync(dir, { recursive: true })
  const keys = loadKeys({
    dir: join(dir, 'keys'),
    env: { TML_API_KEYS: `bench:${TOKEN}` },
    create: true,
  })
  const policies = loadPolicies({
    paths: [fileURLToPath(new URL('../gateway/policies', import.meta.url))],
  })
  return createGateway({ keys, policies, dataDir: dir, writer })
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
const round3 = (x: number) => Math.round(x * 1000) / 1000

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
  }
}

async function http(
  writer: 'worker' | 'inline' = (process.env.TML_BENCH_WRITER as 'inline' | undefined) ?? 'worker',
) {
  const dir = mkdtempSync(join(tmpdir(), 'tml-bench-http-'))
  const gateway = await startGateway(dir, writer)
  const app = await buildServer({ gateway, apiKeys: [{ caller: 'bench', token: TOKEN }] })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const gatewayPort = (app.server.address() as { port: number }).port

  // The bare route: same framework, same JSON body parsing and serialization, nothing else.
  const echo = Fastify()
  echo.post('/echo', async (request) => request.body)
  await echo.listen({ host: '127.0.0.1', port: 0 })
  const echoPort = (echo.server.address() as { port: number }).port

  const connections = Number(process.env.TML_BENCH_CONNECTIONS ?? 128)
  const pipeline = 1
  const durationMs = quick ? 3000 : 8000
  // Warm both up, then alternate, so that noise from the machine hits both sides alike.
  await load(echoPort, '/echo', connections, pipeline, 1500)
  await load(gatewayPort, '/v1/decisions', connections, pipeline, 1500)
  const runs: { echo: HttpLoadResult; gateway: HttpLoadResult }[] = []
  for (let i = 0; i < (quick ? 1 : 2); i++) {
    const e = await load(echoPort, '/echo', connections, pipeline, durationMs)
    const g = await load(gatewayPort, '/v1/decisions', connections, pipeline, durationMs)
    runs.push({ echo: e, gateway: g })
  }
  const size = gateway.memory.size
  const stats = { ...gateway.memory.stats }
  await app.close()
  await echo.close()
  await gateway.close()
  rmSync(dir, { recursive: true, force: true })
  for (const r of runs) {
    if (Object.keys(r.gateway.statuses).some((s) => s !== '200'))
      throw new Error(`non-200 answers: ${JSON.stringify(r.gateway.statuses)}`)
  }
  const best = runs.reduce((a, b) => (b.gateway.perSecond > a.gateway.perSecond ? b : a))
  return {
    writer,
    connections,
    pipeline,
    durationMs,
    runs,
    best,
    logSize: size,
    averageBatch: stats.appended / Math.max(1, stats.commits),
  }
}

// The lane proper runs every step on one thread (`--writer inline`): ignition to durable append
// with no thread hop. The worker writer (the server's default, for throughput) is reported too.
const laneInline = await lane('inline')
const laneWorker = await lane('worker')
const h = await http()
const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
  },
  laneP50Ms: laneInline.p50,
  laneP99Ms: laneInline.p99,
  laneMaxMs: laneInline.max,
  laneSamples: laneInline.n,
  laneWriter: 'inline',
  laneWorkerWriter: laneWorker,
  decisionsPerSec: Math.round(h.best.gateway.perSecond),
  bareEchoPerSec: Math.round(h.best.echo.perSecond),
  ratio: round3(h.best.gateway.perSecond / h.best.echo.perSecond),
  httpLatencyMs: h.best.gateway.latencyMs,
  httpConfig: {
    writer: h.writer,
    connections: h.connections,
    pipeline: h.pipeline,
    durationMs: h.durationMs,
    loadGenerator: 'gateway/tools/httpLoad.ts (child process)',
  },
  averageGroupCommit: round3(h.averageBatch),
  runs: h.runs.map((r) => ({
    echoPerSec: Math.round(r.echo.perSecond),
    decisionsPerSec: Math.round(r.gateway.perSecond),
  })),
  targets: {
    laneP99Under1Ms: laneInline.p99 < 1,
    atLeastHalfOfBareEcho: h.best.gateway.perSecond >= h.best.echo.perSecond / 2,
    atLeast5000PerSec: h.best.gateway.perSecond >= 5000,
  },
}
const out = fileURLToPath(new URL('./results/gateway.json', import.meta.url))
mkdirSync(join(out, '..'), { recursive: true })
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.log(JSON.stringify(result, null, 2))
