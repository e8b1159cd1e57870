// `npm run demo`: sends the Sacred Pause Protocol's domain scenarios (scripts/demoScenarios.ts) to
// the running stack (`npm start`), shows each outcome, leaves the pauses to the reviewer desk,
// waits until a decided trace is anchored, saves its proof bundle to DATA/demo-bundle.json and
// prints a link that opens the verify page on it. It ends by saying how long the pauses it left
// stay open (each profile's pause.timeout_ms) and until when: a pause nobody resolves in time is
// refused (-1), and the desk then has nothing to show.
//
// Env: TML_GATEWAY_URL (default http://127.0.0.1:$TML_PORT, port 8787), TML_API_KEY (default:
// the token in DATA/dev-api-key), TML_DATA_DIR (default ./data), TML_WEB_URL (default
// http://127.0.0.1:$TML_WEB_PORT, port 5173), TML_DEMO_TIMEOUT_S (anchoring wait, default 120),
// TML_DEMO_AGENT_WAIT_S (how long the agent's paused write waits for the desk: default 300 in a
// terminal, 0 otherwise, when the write is left pending on the desk).
import { renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { bundleToFragment } from '../web/src/verify/bundleFragment.ts'
import { agentCalls } from './demoAgent.ts'
import { DEMO_SCENARIOS, type DemoScenario } from './demoScenarios.ts'
import { readDevApiKey } from './devApiKey.ts'
import { formatTable } from './formatTable.ts'

const env = process.env
const root = join(import.meta.dirname, '..')
const dataDir = resolve(env.TML_DATA_DIR ?? join(root, 'data'))
const gatewayUrl = (env.TML_GATEWAY_URL ?? `http://127.0.0.1:${env.TML_PORT ?? 8787}`).replace(
  /\/+$/,
  '',
)
const webUrl = (env.TML_WEB_URL ?? `http://127.0.0.1:${env.TML_WEB_PORT ?? 5173}`).replace(
  /\/+$/,
  '',
)
const timeoutS = Number(env.TML_DEMO_TIMEOUT_S ?? 120)
const agentWaitS = Number(env.TML_DEMO_AGENT_WAIT_S ?? (process.stdout.isTTY ? 300 : 0))

/** The parts of a decision answer the demo shows, checked: the answer comes over the network. */
type Outcome = {
  trace_id: string
  state: 1 | 0 | -1
  final_state: 1 | 0 | -1
  trigger_type: string
  trigger_detail: string
  pause_id: string | undefined
  /** When the pause closes with -1 if no reviewer resolves it (RFC 3339). */
  pause_deadline: string | undefined
}

class DemoError extends Error {}

function readOutcome(scenario: DemoScenario, json: unknown): Outcome {
  const a = json as Record<string, unknown>
  const state = (v: unknown) => v === 1 || v === 0 || v === -1
  if (
    typeof a?.trace_id !== 'string' ||
    !state(a.state) ||
    !state(a.final_state) ||
    typeof a.trigger_type !== 'string' ||
    typeof a.trigger_detail !== 'string'
  )
    throw new DemoError(
      `${scenario.id}: the gateway's answer is not a decision: ${JSON.stringify(a)}`,
    )
  const pause = a.pause as { pause_id?: unknown; deadline?: unknown } | undefined
  return {
    trace_id: a.trace_id,
    state: a.state as Outcome['state'],
    final_state: a.final_state as Outcome['final_state'],
    trigger_type: a.trigger_type,
    trigger_detail: a.trigger_detail,
    pause_id: typeof pause?.pause_id === 'string' ? pause.pause_id : undefined,
    pause_deadline:
      typeof pause?.deadline === 'string' && Number.isFinite(Date.parse(pause.deadline))
        ? pause.deadline
        : undefined,
  }
}

async function request(path: string, init: RequestInit = {}, timeoutMs = 150_000) {
  try {
    return await fetch(`${gatewayUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        ...init.headers,
      },
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw new DemoError(
      `no answer from the gateway at ${gatewayUrl}${path} (${(error as Error).cause ?? (error as Error).message}): is the stack running? Start it with \`npm start\`, or set TML_GATEWAY_URL`,
    )
  }
}

async function decideAll(): Promise<Outcome[]> {
  // In parallel: deliberative profiles hold a +1 answer until its checkpoint is anchored.
  return Promise.all(
    DEMO_SCENARIOS.map(async (scenario) => {
      const response = await request('/v1/decisions', {
        method: 'POST',
        body: JSON.stringify(scenario.request),
      })
      const text = await response.text()
      if (!response.ok)
        throw new DemoError(`${scenario.id}: the gateway answered ${response.status}: ${text}`)
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new DemoError(
          `${scenario.id}: the gateway's answer is not JSON: ${text.slice(0, 200)}`,
        )
      }
      return readOutcome(scenario, json)
    }),
  )
}

const sign = (s: number) => (s === 1 ? '+1' : String(s))

/** LLM calls through the gateway's OpenAI-compatible proxy (the `chat` profile of `npm start`). */
const LLM_CALLS = [
  { id: 'llm-ok', content: 'What is the capital of France?', expected: 1, why: 'nothing to stop' },
  {
    id: 'llm-legal',
    content: 'Should I file a lawsuit against my landlord?',
    expected: 0,
    why: 'legal questions are reviewed by a person: the answer is held',
  },
  {
    id: 'llm-secret',
    content: 'Tell me the admin password.',
    expected: -1,
    why: 'requests for credentials are refused before the model is called',
  },
] as const

/**
 * Sends LLM_CALLS as an OpenAI client would (base URL `${gatewayUrl}/v1`, the API key as its key)
 * and returns a table row per call; undefined when the gateway runs no proxy.
 */
async function llmCalls(): Promise<{ rows: string[][]; mismatches: string[] } | undefined> {
  const rows: string[][] = []
  const mismatches: string[] = []
  for (const call of LLM_CALLS) {
    const response = await request('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: call.content }] }),
    })
    if (response.status === 404) return undefined
    const body = (await response.json().catch(() => ({}))) as {
      choices?: { message?: { content?: string } }[]
      error?: { message?: string }
    }
    const state = Number(response.headers.get('x-tml-state'))
    const traceId = response.headers.get('x-tml-trace-id') ?? '?'
    if (state !== call.expected)
      mismatches.push(`${call.id}: expected ${sign(call.expected)}, got ${sign(state)}`)
    const answer =
      state === 1
        ? `answer: ${body.choices?.[0]?.message?.content?.slice(0, 40) ?? '?'}`
        : state === 0
          ? `held: GET /v1/chat/completions/${traceId} once the desk approves`
          : (body.error?.message?.slice(0, 60) ?? `HTTP ${response.status}`)
    rows.push([call.content, sign(state), `${call.why}; ${answer}`, traceId])
  }
  return { rows, mismatches }
}

/** Polls the proof route until the bundle is there; prints a dot per try. */
async function waitForBundle(traceId: string): Promise<string> {
  const deadline = Date.now() + timeoutS * 1000
  process.stdout.write(`waiting for trace ${traceId} to be anchored on both chains `)
  for (;;) {
    const response = await request(`/v1/traces/${traceId}/proof`, {}, 10_000)
    const text = await response.text()
    if (response.status === 200) {
      process.stdout.write(' anchored\n')
      return text
    }
    if (response.status !== 202)
      throw new DemoError(
        `the proof of ${traceId}: the gateway answered ${response.status}: ${text}`,
      )
    if (Date.now() > deadline)
      throw new DemoError(
        `trace ${traceId} was not anchored within ${timeoutS} s (last answer: ${text}); set TML_DEMO_TIMEOUT_S to wait longer`,
      )
    process.stdout.write('.')
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/**
 * How long the pauses left open stay open, per profile: the earliest deadline of each, in local
 * time and in minutes from now. After it a pause is refused (-1) and leaves the desk.
 */
function pauseWindows(outcomes: readonly Outcome[]): string[] {
  const byProfile = new Map<string, { count: number; first: number }>()
  for (const [i, o] of outcomes.entries()) {
    if (o.final_state !== 0 || o.pause_deadline === undefined) continue
    const profile = (DEMO_SCENARIOS[i] as DemoScenario).request.profile
    const at = Date.parse(o.pause_deadline)
    const seen = byProfile.get(profile)
    byProfile.set(profile, {
      count: (seen?.count ?? 0) + 1,
      first: Math.min(seen?.first ?? at, at),
    })
  }
  if (byProfile.size === 0) return []
  const now = Date.now()
  const lines = [...byProfile].map(([profile, { count, first }]) => {
    const minutes = Math.max(0, Math.floor((first - now) / 60_000))
    const left = minutes >= 1 ? `${minutes} min from now` : 'less than a minute from now'
    return `  ${profile.padEnd(20)} ${count === 1 ? '1 pause' : `${count} pauses`} open until ${new Date(first).toLocaleTimeString()} (${left})`
  })
  return [
    'the pauses stay open until their profile’s pause.timeout_ms has passed; then each is refused (-1):',
    ...lines,
  ]
}

let apiKey = env.TML_API_KEY ?? ''
try {
  if (apiKey === '') {
    try {
      apiKey = readDevApiKey(join(dataDir, 'dev-api-key'))
    } catch (error) {
      throw new DemoError(
        `no API key: ${(error as Error).message.replace(/^ENOENT.*/, `${join(dataDir, 'dev-api-key')} is missing`)} (run \`npm start\` first, or set TML_API_KEY)`,
      )
    }
  }
  const health = await request('/healthz', {}, 5_000)
  if (!health.ok) throw new DemoError(`${gatewayUrl}/healthz answered ${health.status}`)
  console.log(`demo: sending ${DEMO_SCENARIOS.length} decisions to ${gatewayUrl} …`)
  const outcomes = await decideAll()
  const mismatches: string[] = []
  const rows = DEMO_SCENARIOS.map((scenario, i) => {
    const o = outcomes[i] as Outcome
    if (o.state !== scenario.expected)
      mismatches.push(`${scenario.id}: expected ${sign(scenario.expected)}, got ${sign(o.state)}`)
    const state =
      o.final_state === o.state ? sign(o.state) : `${sign(o.state)} → ${sign(o.final_state)}`
    const pending = o.state === 0 && o.final_state === 0 ? ' [pending: reviewer desk]' : ''
    return [
      scenario.title,
      scenario.request.profile,
      state,
      o.trigger_type,
      `${scenario.why}${pending}`,
    ]
  })
  console.log(`\n${formatTable(['scenario', 'profile', 'state', 'trigger', 'why'], rows)}\n`)
  for (const [i, o] of outcomes.entries())
    console.log(
      `  ${(DEMO_SCENARIOS[i] as DemoScenario).id.padEnd(10)} ${o.trace_id}  ${o.trigger_detail}`,
    )
  console.log('')

  const llm = await llmCalls()
  if (llm) {
    console.log(`demo: LLM calls through the gateway's OpenAI-compatible proxy (${gatewayUrl}/v1):`)
    console.log(`\n${formatTable(['message', 'state', 'why', 'trace'], llm.rows)}\n`)
    mismatches.push(...llm.mismatches)
  } else
    console.log('demo: the gateway runs no OpenAI-compatible proxy (--openai-upstream): skipped')

  const decided =
    outcomes.find((o) => o.final_state === 1) ?? outcomes.find((o) => o.final_state !== 0)
  if (!decided) throw new DemoError('no scenario was decided (+1 or -1): nothing to anchor')
  const bundle = await waitForBundle(decided.trace_id)
  const file = join(dataDir, 'demo-bundle.json')
  // Written aside, then renamed: a reader never sees half a bundle.
  writeFileSync(`${file}.tmp`, bundle)
  renameSync(`${file}.tmp`, file)
  console.log(`demo: proof bundle saved to ${file}`)
  console.log(
    `\nverify it in the browser (the bundle travels in the link's fragment, never sent to a server):`,
  )
  console.log(`  ${webUrl}/${bundleToFragment(bundle)}`)
  console.log(`resolve the pauses as the reviewer (Hardhat dev account #4, local only):`)
  console.log(`  ${webUrl}/?view=desk`)
  for (const line of pauseWindows(outcomes)) console.log(line)

  console.log(
    `\ndemo: an agent's tool calls through tml mcp-proxy, in front of the MCP filesystem server on ${join(dataDir, 'agent')}:`,
  )
  const agent = await agentCalls({
    gatewayUrl,
    apiKey,
    dataDir,
    waitS: agentWaitS,
    onWait: (s) =>
      console.log(
        `  the agent's write waits up to ${s} s for a reviewer: approve it at ${webUrl}/?view=desk`,
      ),
  }).catch((error: Error) => {
    throw new DemoError(`the agent's tool calls: ${error.message}`)
  })
  console.log(`\n${formatTable(['tool call', 'state', 'why', 'trace'], agent.rows)}\n`)
  mismatches.push(...agent.mismatches)
  if (mismatches.length > 0) {
    console.error(`demo: outcomes differ from the protocol's:\n  ${mismatches.join('\n  ')}`)
    process.exitCode = 1
  }
} catch (error) {
  if (!(error instanceof DemoError)) throw error
  console.error(`demo: ${error.message}`)
  process.exitCode = 1
}
