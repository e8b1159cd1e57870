// /metrics through a prom-client registry of each gateway: the decision latency histogram against
// real requests on 127.0.0.1, the names of the first hand-written exposition kept, one registry per
// gateway in one process.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { buildServer } from '../../src/http/buildServer.ts'
import { DECISION_DURATION_BUCKETS } from '../../src/service/decisionDurationHistogram.ts'
import {
  API_TOKEN,
  auth,
  SMALLEST,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway.ts'
import { type Scrape, scrapeMetrics } from '../helpers/scrapeMetrics.ts'
import { type ProxyFixture, startProxyFixture } from '../proxy/openai/helpers.ts'

const HISTOGRAM = 'tml_decision_duration_seconds'

/** Every metric of the hand-written exposition that a gateway without anchoring writes, by type. */
const KEPT = {
  tml_decisions_total: 'counter',
  tml_log_entries: 'gauge',
  tml_store_available: 'gauge',
  tml_group_commits_total: 'counter',
  tml_group_commit_entries_total: 'counter',
  tml_group_commit_failures_total: 'counter',
  tml_group_commit_seconds_total: 'counter',
  tml_pauses_open: 'gauge',
  tml_lantern_subscribers: 'gauge',
}

/** POSTs a decision over real HTTP; resolves its status, answer and round trip in seconds. */
async function decide(base: string, payload: Record<string, unknown>) {
  const started = performance.now()
  const res = await fetch(`${base}/v1/decisions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...SMALLEST, ...payload }),
  })
  const body = (await res.json()) as { state?: number }
  return { status: res.status, state: body.state, seconds: (performance.now() - started) / 1000 }
}

/** Asserts the histogram's buckets of `state` are cumulative, end at `count`, and returns its sum. */
function histogramOf(m: Scrape, state: string, count: number): number {
  let previous = 0
  for (const le of DECISION_DURATION_BUCKETS) {
    const v = m.value(`${HISTOGRAM}_bucket{le="${le}",state="${state}"}`)
    assert.ok(v !== undefined && v >= previous && v <= count, `bucket ${le} of ${state}: ${v}`)
    previous = v
  }
  assert.equal(m.value(`${HISTOGRAM}_bucket{le="+Inf",state="${state}"}`), count)
  assert.equal(m.value(`${HISTOGRAM}_count{state="${state}"}`), count)
  const sum = m.value(`${HISTOGRAM}_sum{state="${state}"}`)
  assert.ok(sum !== undefined && sum > 0, `sum of ${state}: ${sum}`)
  return sum
}

describe('/metrics', () => {
  let t: TestGateway
  let base: string
  before(async () => {
    t = await startTestGateway()
    base = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(async () => {
    await t.close()
  })

  test('behavior: tml_decision_duration_seconds counts each durable decision by state, within its round trip; a pause long poll and a refused request are not in it', async () => {
    const released: number[] = []
    for (let i = 0; i < 3; i++) {
      const r = await decide(base, {})
      assert.equal(r.state, 1)
      released.push(r.seconds)
    }
    const refused = await decide(base, {
      profile: 'review',
      signals: { confidence: 0.99, harm: 0.95 },
    })
    assert.equal(refused.state, -1)
    // A pause nobody resolves, asked with a long poll: the answer leaves after the wait, but its
    // decision was durable long before.
    const waitMs = 1_500
    const paused = await decide(base, {
      profile: 'review',
      signals: { confidence: 0.5, harm: 0.01 },
      wait_ms: waitMs,
    })
    assert.equal(paused.state, 0)
    assert.ok(paused.seconds >= waitMs / 1000)
    // Refused before deciding (400): nothing decided, nothing observed.
    assert.equal((await decide(base, { profile: 'nope' })).status, 400)

    const m = await scrapeMetrics(`${base}/metrics`)
    assert.equal(m.families.get(HISTOGRAM), 'histogram')
    const sum1 = histogramOf(m, '1', 3)
    assert.ok(
      sum1 <= released.reduce((a, b) => a + b),
      `observed ${sum1} s within the round trips ${released}`,
    )
    assert.ok(histogramOf(m, '-1', 1) <= refused.seconds)
    assert.ok(histogramOf(m, '0', 1) < waitMs / 1000, 'the long poll is not decision latency')
    assert.equal(m.value(`tml_decisions_total{state="1",trigger_type="NONE"}`), 3)
  })

  test('compatibility: every metric of the hand-written exposition keeps its name and type; no process metrics unless asked', async () => {
    const m = await scrapeMetrics(`${base}/metrics`)
    for (const [name, type] of Object.entries(KEPT)) assert.equal(m.families.get(name), type, name)
    assert.equal(m.value('tml_store_available'), 1)
    assert.equal(m.value('tml_log_entries'), t.gateway.memory.size)
    assert.equal(m.value('tml_group_commit_entries_total'), t.gateway.memory.stats.appended)
    assert.equal(
      [...m.families.keys()].filter((n) => /^tml_(process|nodejs)_/.test(n)).length,
      0,
      'process metrics are off by default',
    )
    // No anchoring: no per-chain metric.
    assert.equal([...m.families.keys()].filter((n) => n.startsWith('tml_anchor_')).length, 0)
  })

  test('behavior: each gateway has its own registry: a second gateway in the same process counts only its own decisions, and process metrics are its own when asked', async () => {
    const other = await startTestGateway()
    const app = await buildServer({
      gateway: other.gateway,
      apiKeys: [{ caller: 'tester', token: API_TOKEN }],
      processMetrics: true,
    })
    try {
      const otherBase = await app.listen({ host: '127.0.0.1', port: 0 })
      assert.equal((await decide(otherBase, {})).state, 1)
      const mine = await scrapeMetrics(`${base}/metrics`)
      const theirs = await scrapeMetrics(`${otherBase}/metrics`)
      assert.equal(theirs.value(`${HISTOGRAM}_count{state="1"}`), 1)
      assert.equal(theirs.value(`tml_decisions_total{state="1",trigger_type="NONE"}`), 1)
      assert.equal(mine.value(`${HISTOGRAM}_count{state="1"}`), 3, 'unchanged by the other')
      assert.equal(theirs.families.get('tml_process_cpu_user_seconds_total'), 'counter')
      assert.equal(theirs.families.get('tml_nodejs_heap_size_used_bytes'), 'gauge')
      assert.ok((theirs.value('tml_process_resident_memory_bytes') ?? 0) > 0)
    } finally {
      await app.close()
      await other.close()
    }
  })
})

describe('/metrics with the OpenAI-compatible proxy', () => {
  let f: ProxyFixture
  before(async () => {
    f = await startProxyFixture()
  })
  after(async () => {
    await f.close()
  })

  test('behavior: a proxied chat completion is a decision in tml_decision_duration_seconds', async () => {
    const started = performance.now()
    await f.client().chat.completions.create({
      model: 'tml-demo-1',
      messages: [{ role: 'user', content: 'hello there' }],
    })
    const roundTrip = (performance.now() - started) / 1000
    const m = await scrapeMetrics(`${f.base}/metrics`)
    assert.ok(histogramOf(m, '1', 1) <= roundTrip)
    assert.equal(m.value(`${HISTOGRAM}_count{state="0"}`), undefined)
  })
})
