// OpenAI-compatible proxy benchmark (`npm run bench:proxy`): writes bench/results/proxy.json.
//
// One run, one client (the official `openai` npm client, in this process), one upstream (the
// demo upstream that speaks the OpenAI protocol, in its own process), three paths to it:
//   direct       client → upstream
//   proxy        client → gateway proxy (decision over request and answer, durable MTL with its
//                signed receipt, +1) → upstream, the gateway with the inline writer (what
//                gateway/README.md recommends in front of an LLM app: no thread hand-off)
//   proxy, worker the same through a second gateway with the default worker writer
//   pass-through client → a bare proxy on the same HTTP stack (Fastify, fetch to the upstream),
//                no decision, no log
// The two gateways and the pass-through run side by side in one server process.
// Latency: one request at a time. Each sample is one request on each path plus a second direct
// one, in an order drawn at random per sample (seeded, recorded), so that no path always follows
// another; `added` is proxy minus direct, per sample. The second direct request gives the noise
// floor: direct minus direct, paired the same way, i.e. what this machine can resolve at all.
// Streaming: time to the first content token (TTFT), with the profile holding every token until
// the decision (the strict default) and with the first tokens released before it, sampled the
// same way. Throughput: concurrent requests for a fixed time, the three paths in turn in every
// round (the first one rotating), the median of the per-round ratios to the pass-through.
// Garbage collection: every process of the run (client, upstream, server) gets the same young
// generation size (NODE_FLAGS below, the setting the README recommends for the gateway), and the
// measuring client collects its own young generation between samples, untimed, so that the
// client's pauses do not land inside a timed request. The server's and the upstream's pauses
// are measured as they come.
import { type ChildProcess, fork, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import OpenAI from 'openai'
import { buildServer } from '../gateway/src/http/buildServer.ts'
import { loadKeys } from '../gateway/src/keys/loadKeys.ts'
import { parsePolicy } from '../gateway/src/policy/parsePolicy.ts'
import { startDemoUpstream } from '../gateway/src/proxy/openai/demoUpstream.ts'
import { callUpstream, UpstreamPool } from '../gateway/src/proxy/openai/upstream.ts'
import { createGateway } from '../gateway/src/service/createGateway.ts'
import { mulberry32 } from './mulberry32.ts'
import { median, quantile } from './stats.ts'

const TOKEN = 'bench-token-0123456789abcdef'
const SELF = fileURLToPath(import.meta.url)
const quick = process.argv.includes('--quick')
/** V8 flags of every process of the run: a young generation large enough that a scavenge is rare. */
const NODE_FLAGS = ['--max-semi-space-size=64', '--expose-gc']
const SEED = 0x15c0ffee

const policy = (profile: string, release: number) => `v: tml-policy/1
profile: ${profile}
timing: real_time
ambiguity: { required: false }
pause: { timeout_ms: 60000 }
proxy: { stream_release_tokens: ${release} }
`

type Ready =
  | { kind: 'ready'; gatewayPort: number; workerPort: number; passPort: number }
  | { kind: 'upstream'; url: string }

if (process.argv[2] === 'upstream') {
  const upstream = await startDemoUpstream()
  process.send?.({ kind: 'upstream', url: upstream.url } satisfies Ready)
  process.on('message', async () => {
    await upstream.close()
    process.exit(0)
  })
}

if (process.argv[2] === 'server') {
  const upstreamUrl = process.argv[3] as string
  const dir = mkdtempSync(join(tmpdir(), 'tml-bench-proxy-'))
  const keys = loadKeys({
    dir: join(dir, 'keys'),
    env: { TML_API_KEYS: `bench:${TOKEN}` },
    create: true,
  })
  const policies = new Map(
    [policy('bench', 0), policy('bench_early', 4)].map((text) => {
      const loaded = parsePolicy({ text, file: 'bench.yaml' })
      return [loaded.policy.profile, loaded] as const
    }),
  )
  // One gateway per writer, each with its own log: the inline writer seals and commits on the
  // event loop, the worker writer on a thread of its own (see gateway/README.md).
  const serve = async (writer: 'inline' | 'worker') => {
    const gateway = await createGateway({
      keys,
      policies,
      dataDir: join(dir, writer),
      writer,
    })
    const app = await buildServer({
      gateway,
      apiKeys: keys.apiKeys,
      openai: { upstream: { baseUrl: upstreamUrl }, defaultProfile: 'bench' },
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    return { gateway, app }
  }
  const gateways = [await serve('inline'), await serve('worker')] as const
  // The bare pass-through: same framework and JSON parsing, the same upstream client as the
  // proxy (its keep-alive pool), its answer (JSON, or the event stream piped through) sent back
  // as it is.
  const passPool = new UpstreamPool({ baseUrl: upstreamUrl })
  const pass = Fastify()
  pass.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as { stream?: boolean }
    const response = await callUpstream({
      pool: passPool,
      path: '/chat/completions',
      body,
      timeoutMs: 60_000,
    })
    if (body.stream !== true)
      return reply
        .code(response.status)
        .type('application/json')
        .send(await response.text())
    reply.hijack()
    reply.raw.writeHead(response.status, { 'content-type': 'text/event-stream' })
    for await (const chunk of response.body) reply.raw.write(chunk)
    reply.raw.end()
  })
  await pass.listen({ host: '127.0.0.1', port: 0 })
  process.on('message', async () => {
    for (const { app } of gateways) await app.close()
    await pass.close()
    passPool.close()
    for (const { gateway } of gateways) await gateway.close()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
  process.send?.({
    kind: 'ready',
    gatewayPort: (gateways[0].app.server.address() as { port: number }).port,
    workerPort: (gateways[1].app.server.address() as { port: number }).port,
    passPort: (pass.server.address() as { port: number }).port,
  } satisfies Ready)
}

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** The client's own young-generation collection, between samples (outside every timed request). */
const collect = () => (globalThis as { gc?: (o: { type: string }) => void }).gc?.({ type: 'minor' })

function start(args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(SELF, args, { execArgv: process.execArgv })
  return new Promise((resolve) =>
    child.once('message', (ready: Ready) => resolve({ child, ready })),
  )
}

const ASK = { model: 'tml-demo-1', messages: [{ role: 'user' as const, content: 'hello, bench' }] }

async function once(client: OpenAI): Promise<number> {
  const t = performance.now()
  await client.chat.completions.create(ASK)
  return performance.now() - t
}

async function ttft(client: OpenAI): Promise<number> {
  const t = performance.now()
  let first = -1
  for await (const chunk of await client.chat.completions.create({ ...ASK, stream: true })) {
    if (first < 0 && chunk.choices[0]?.delta.content) first = performance.now() - t
  }
  return first
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b)
  return { p50: round3(quantile(s, 0.5)), p99: round3(quantile(s, 0.99)), n: s.length }
}

async function throughput(
  client: OpenAI,
  durationMs: number,
  concurrency: number,
): Promise<number> {
  let done = 0
  const end = performance.now() + durationMs
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await client.chat.completions.create(ASK)
        done++
      }
    }),
  )
  return done / (durationMs / 1000)
}

async function main() {
  const loadBefore = loadavg()[0] ?? 0
  const up = await start(['upstream'])
  const upstreamUrl = (up.ready as { url: string }).url
  const server = await start(['server', upstreamUrl])
  const { gatewayPort, workerPort, passPort } = server.ready as Extract<Ready, { kind: 'ready' }>
  const make = (baseURL: string, profile?: string) =>
    new OpenAI({
      baseURL,
      apiKey: TOKEN,
      maxRetries: 0,
      ...(profile ? { defaultHeaders: { 'x-tml-profile': profile } } : {}),
    })
  const direct = make(upstreamUrl)
  const proxy = make(`http://127.0.0.1:${gatewayPort}/v1`)
  const proxyEarly = make(`http://127.0.0.1:${gatewayPort}/v1`, 'bench_early')
  const proxyWorker = make(`http://127.0.0.1:${workerPort}/v1`)
  const pass = make(`http://127.0.0.1:${passPort}/v1`)

  const n = quick ? 300 : 5000
  for (let i = 0; i < 300; i++)
    await Promise.all([
      once(direct),
      once(proxy),
      once(proxyWorker),
      once(pass),
      ttft(proxy),
      ttft(proxyWorker),
      ttft(direct),
    ])

  const loadByPhase: Record<string, number> = { latency: round3(loadavg()[0] ?? 0) }
  const rand = mulberry32(SEED)
  type Path = 'direct' | 'direct2' | 'proxy' | 'worker' | 'pass'
  const latencyPaths: Record<Path, OpenAI> = {
    direct,
    direct2: direct,
    proxy,
    worker: proxyWorker,
    pass,
  }
  const lat: Record<Path, number[]> = { direct: [], direct2: [], proxy: [], worker: [], pass: [] }
  for (let i = 0; i < n; i++) {
    collect()
    for (const path of shuffled(Object.keys(latencyPaths) as Path[], rand))
      lat[path].push(await once(latencyPaths[path]))
  }
  type StreamPath = Path | 'early'
  loadByPhase.ttft = round3(loadavg()[0] ?? 0)
  const ttftPaths: Record<StreamPath, OpenAI> = { ...latencyPaths, early: proxyEarly }
  const st: Record<StreamPath, number[]> = {
    direct: [],
    direct2: [],
    proxy: [],
    worker: [],
    early: [],
    pass: [],
  }
  for (let i = 0; i < n; i++) {
    collect()
    for (const path of shuffled(Object.keys(ttftPaths) as StreamPath[], rand))
      st[path].push(await ttft(ttftPaths[path]))
  }
  const minus = (a: number[], b: number[]) => a.map((x, i) => x - (b[i] as number))

  loadByPhase.throughput = round3(loadavg()[0] ?? 0)
  const rounds = quick ? 2 : 6
  const durationMs = quick ? 1500 : 4000
  const concurrency = 32
  const runs: {
    proxyPerSec: number
    workerPerSec: number
    passThroughPerSec: number
    ratio: number
    workerRatio: number
  }[] = []
  const order = [proxy, proxyWorker, pass]
  for (let i = 0; i < rounds; i++) {
    // Each round runs the three paths, the first one rotating, so that none always goes first.
    const rate = new Map<OpenAI, number>()
    for (let k = 0; k < order.length; k++) {
      const client = order[(i + k) % order.length] as OpenAI
      rate.set(client, await throughput(client, durationMs, concurrency))
    }
    const [p, w, q] = [proxy, proxyWorker, pass].map((client) => rate.get(client) as number) as [
      number,
      number,
      number,
    ]
    runs.push({
      proxyPerSec: Math.round(p),
      workerPerSec: Math.round(w),
      passThroughPerSec: Math.round(q),
      ratio: round3(p / q),
      workerRatio: round3(w / q),
    })
  }
  server.child.send({ op: 'close' })
  up.child.send({ op: 'close' })
  await Promise.all([server.child, up.child].map((c) => new Promise((r) => c.once('exit', r))))

  const added = stats(minus(lat.proxy, lat.direct))
  const noise = stats(minus(lat.direct2, lat.direct))
  const passAdded = stats(minus(lat.pass, lat.direct))
  const ttftAdded = stats(minus(st.proxy, st.direct))
  const workerAdded = stats(minus(lat.worker, lat.direct))
  const workerTtftAdded = stats(minus(st.worker, st.direct))
  const ttftNoise = stats(minus(st.direct2, st.direct))
  const ratio = round3(median(runs.map((r) => r.ratio)))
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageBefore: round3(loadBefore),
      loadAverageAfter: round3(loadavg()[0] ?? 0),
      // One-minute load average as each phase began: the machine is shared.
      loadAverageByPhase: loadByPhase,
    },
    addedP50Ms: added.p50,
    addedP99Ms: added.p99,
    ttftAddedP50Ms: ttftAdded.p50,
    ttftAddedP99Ms: ttftAdded.p99,
    ttftAddedEarlyReleaseP99Ms: stats(minus(st.early, st.direct)).p99,
    passThroughAddedP50Ms: passAdded.p50,
    passThroughAddedP99Ms: passAdded.p99,
    passThroughTtftAddedP99Ms: stats(minus(st.pass, st.direct)).p99,
    // What the machine resolves: a direct request minus another direct request of the same sample.
    noiseFloorP50Ms: noise.p50,
    noiseFloorP99Ms: noise.p99,
    ttftNoiseFloorP50Ms: ttftNoise.p50,
    ttftNoiseFloorP99Ms: ttftNoise.p99,
    proxyPerSec: Math.round(median(runs.map((r) => r.proxyPerSec))),
    passThroughPerSec: Math.round(median(runs.map((r) => r.passThroughPerSec))),
    ratio,
    // The same proxy through a gateway with the default worker writer, in the same samples.
    workerWriter: {
      addedP50Ms: workerAdded.p50,
      addedP99Ms: workerAdded.p99,
      ttftAddedP50Ms: workerTtftAdded.p50,
      ttftAddedP99Ms: workerTtftAdded.p99,
      proxyPerSec: Math.round(median(runs.map((r) => r.workerPerSec))),
      ratio: round3(median(runs.map((r) => r.workerRatio))),
    },
    latencyMs: {
      direct: stats(lat.direct),
      proxy: stats(lat.proxy),
      proxyWorkerWriter: stats(lat.worker),
      passThrough: stats(lat.pass),
    },
    ttftMs: {
      direct: stats(st.direct),
      proxyHoldAll: stats(st.proxy),
      proxyWorkerWriterHoldAll: stats(st.worker),
      proxyEarlyRelease: stats(st.early),
      passThrough: stats(st.pass),
    },
    config: {
      samples: n,
      client: 'openai npm client, this process, one request at a time (latency)',
      order:
        'per sample one request per path (direct, proxy, proxy with the worker writer, pass-through) plus a second direct one, in a seeded random order; added = proxy - direct of the same sample',
      seed: SEED,
      nodeFlags: NODE_FLAGS,
      clientGc: 'minor GC of the client between samples, untimed',
      upstream: 'demo upstream (gateway/src/proxy/openai/demoUpstream.ts), own process',
      server:
        'two gateways (inline writer: the figures; worker writer: workerWriter; durable MTL + receipt per request, a log each) and the bare pass-through (same upstream client: UpstreamPool), one process',
      profiles: {
        bench: 'stream_release_tokens 0 (hold all)',
        bench_early: 'stream_release_tokens 4',
      },
      throughput: {
        rounds,
        durationMs,
        concurrency,
        order: 'proxy, proxy with the worker writer, pass-through; the first rotating per round',
      },
    },
    runs,
    targets: {
      addedP99AtMost2Ms: added.p99 <= 2,
      ttftAddedP99AtMost2Ms: ttftAdded.p99 <= 2,
      throughputAtLeast07OfPassThrough: ratio >= 0.7,
    },
  }
  const out = fileURLToPath(new URL('./results/proxy.json', import.meta.url))
  mkdirSync(join(out, '..'), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(JSON.stringify(result, null, 2))
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

if (process.argv[2] === undefined || process.argv[2] === '--quick') {
  // Every process of the run gets NODE_FLAGS: the children inherit this process's.
  if (NODE_FLAGS.every((f) => process.execArgv.includes(f))) await main()
  else {
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, ...NODE_FLAGS, SELF, ...process.argv.slice(2)],
      { stdio: 'inherit' },
    )
    process.exit(run.status ?? 1)
  }
}
