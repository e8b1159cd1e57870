// OpenAI-compatible proxy benchmark (`npm run bench:proxy`): writes bench/results/proxy.json.
//
// One run, one client (the official `openai` npm client, in this process), one upstream (the
// demo upstream that speaks the OpenAI protocol, in its own process), three paths to it:
//   direct       client → upstream
//   proxy        client → gateway proxy (decision over request and answer, durable MTL with its
//                signed receipt, +1) → upstream
//   pass-through client → a bare proxy on the same HTTP stack (Fastify, fetch to the upstream),
//                no decision, no log
// The gateway and the pass-through run side by side in one server process.
// Latency: one request at a time, the three paths in turn, so that each proxy request has a
// direct request next to it; `added` is proxy minus direct, per pair. Streaming: time to the
// first content token (TTFT), with the profile holding every token until the decision (the
// strict default) and with the first tokens released before it. Throughput: concurrent
// requests for a fixed time, proxy and pass-through in alternating rounds, the median of the
// per-round ratios.
import { type ChildProcess, fork } from 'node:child_process'
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
import { createGateway } from '../gateway/src/service/createGateway.ts'
import { median, quantile } from './stats.ts'

const TOKEN = 'bench-token-0123456789abcdef'
const SELF = fileURLToPath(import.meta.url)
const quick = process.argv.includes('--quick')

const policy = (profile: string, release: number) => `v: tml-policy/1
profile: ${profile}
timing: real_time
ambiguity: { required: false }
pause: { timeout_ms: 60000 }
proxy: { stream_release_tokens: ${release} }
`

type Ready =
  | { kind: 'ready'; gatewayPort: number; passPort: number }
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
  const gateway = await createGateway({ keys, policies, dataDir: dir, writer: 'worker' })
  const app = await buildServer({
    gateway,
    apiKeys: keys.apiKeys,
    openai: { upstream: { baseUrl: upstreamUrl }, defaultProfile: 'bench' },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  // The bare pass-through: same framework and JSON parsing, the same fetch to the upstream,
  // its answer (JSON, or the event stream piped through) sent back as it is.
  const pass = Fastify()
  pass.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as { stream?: boolean }
    const response = await fetch(`${upstreamUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (body.stream !== true)
      return reply
        .code(response.status)
        .type('application/json')
        .send(await response.text())
    reply.hijack()
    reply.raw.writeHead(response.status, { 'content-type': 'text/event-stream' })
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      reply.raw.write(chunk)
    reply.raw.end()
  })
  await pass.listen({ host: '127.0.0.1', port: 0 })
  process.on('message', async () => {
    await app.close()
    await pass.close()
    await gateway.close()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
  process.send?.({
    kind: 'ready',
    gatewayPort: (app.server.address() as { port: number }).port,
    passPort: (pass.server.address() as { port: number }).port,
  } satisfies Ready)
}

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
  const { gatewayPort, passPort } = server.ready as { gatewayPort: number; passPort: number }
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
  const pass = make(`http://127.0.0.1:${passPort}/v1`)

  const n = quick ? 300 : 3000
  for (let i = 0; i < 300; i++)
    await Promise.all([once(direct), once(proxy), once(pass), ttft(proxy), ttft(direct)])

  const lat = {
    direct: [] as number[],
    proxy: [] as number[],
    pass: [] as number[],
    added: [] as number[],
  }
  for (let i = 0; i < n; i++) {
    const d = await once(direct)
    const p = await once(proxy)
    const b = await once(pass)
    lat.direct.push(d)
    lat.proxy.push(p)
    lat.pass.push(b)
    lat.added.push(p - d)
  }
  const st = {
    direct: [] as number[],
    proxy: [] as number[],
    early: [] as number[],
    pass: [] as number[],
    added: [] as number[],
    addedEarly: [] as number[],
    addedPass: [] as number[],
  }
  for (let i = 0; i < n; i++) {
    const d = await ttft(direct)
    const p = await ttft(proxy)
    const e = await ttft(proxyEarly)
    const b = await ttft(pass)
    st.direct.push(d)
    st.proxy.push(p)
    st.early.push(e)
    st.pass.push(b)
    st.added.push(p - d)
    st.addedEarly.push(e - d)
    st.addedPass.push(b - d)
  }

  const rounds = quick ? 2 : 6
  const durationMs = quick ? 1500 : 4000
  const concurrency = 32
  const runs: { proxyPerSec: number; passThroughPerSec: number; ratio: number }[] = []
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0
    const a = await throughput(first ? proxy : pass, durationMs, concurrency)
    const b = await throughput(first ? pass : proxy, durationMs, concurrency)
    const [p, q] = first ? [a, b] : [b, a]
    runs.push({
      proxyPerSec: Math.round(p),
      passThroughPerSec: Math.round(q),
      ratio: round3(p / q),
    })
  }
  server.child.send({ op: 'close' })
  up.child.send({ op: 'close' })
  await Promise.all([server.child, up.child].map((c) => new Promise((r) => c.once('exit', r))))

  const added = stats(lat.added)
  const ttftAdded = stats(st.added)
  const ratio = round3(median(runs.map((r) => r.ratio)))
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageBefore: round3(loadBefore),
      loadAverageAfter: round3(loadavg()[0] ?? 0),
    },
    addedP50Ms: added.p50,
    addedP99Ms: added.p99,
    ttftAddedP50Ms: ttftAdded.p50,
    ttftAddedP99Ms: ttftAdded.p99,
    ttftAddedEarlyReleaseP99Ms: stats(st.addedEarly).p99,
    passThroughAddedP50Ms: stats(lat.pass.map((b, i) => b - (lat.direct[i] as number))).p50,
    passThroughAddedP99Ms: stats(lat.pass.map((b, i) => b - (lat.direct[i] as number))).p99,
    passThroughTtftAddedP99Ms: stats(st.addedPass).p99,
    proxyPerSec: Math.round(median(runs.map((r) => r.proxyPerSec))),
    passThroughPerSec: Math.round(median(runs.map((r) => r.passThroughPerSec))),
    ratio,
    latencyMs: { direct: stats(lat.direct), proxy: stats(lat.proxy), passThrough: stats(lat.pass) },
    ttftMs: {
      direct: stats(st.direct),
      proxyHoldAll: stats(st.proxy),
      proxyEarlyRelease: stats(st.early),
      passThrough: stats(st.pass),
    },
    config: {
      samples: n,
      client: 'openai npm client, this process, one request at a time (latency)',
      upstream: 'demo upstream (gateway/src/proxy/openai/demoUpstream.ts), own process',
      server:
        'gateway (worker writer, durable MTL + receipt per request) and the bare pass-through, one process',
      profiles: {
        bench: 'stream_release_tokens 0 (hold all)',
        bench_early: 'stream_release_tokens 4',
      },
      throughput: { rounds, durationMs, concurrency },
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

if (process.argv[2] === undefined || process.argv[2] === '--quick') await main()
