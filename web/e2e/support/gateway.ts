// A real gateway (`tml gateway start`) on a free port with a temporary data directory, the
// shipped `general` policy with the test reviewer listed, and one API key; optionally the
// OpenAI-compatible proxy in front of an upstream, with a `chat` profile that pauses on the
// upstream's uncertain log-probabilities.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../../gateway/test/helpers/tempDir.ts'
import { ROOT, type Running, startNode, stop, waitForLine } from './processes.ts'

export const API_KEY = 'desk-e2e-token-0123456789'

export type TestGateway = { url: string; running: Running; stop(): Promise<void> }

/**
 * The `chat` profile of the proxy: pauses when the upstream's token entropy is high (the demo
 * upstream's answer to a message with "maybe"), reviewed by `reviewers`.
 */
function chatPolicy(reviewers: string[]): string {
  return `v: tml-policy/1
profile: chat
ambiguity: { entropy_max: 0.5, required: false }
harm: { ambiguous: 0.5, critical: 0.9, required: false }
pause:
  timeout_ms: 300000
  budget:
    per_caller: { capacity: 100, refill_per_s: 0 }
    overall: { capacity: 100, refill_per_s: 0 }
reviewers: [${reviewers.map((r) => `"${r}"`).join(', ')}]
proxy:
  logprobs: true
  top_logprobs: 5
`
}

/**
 * Starts the gateway; `reviewers` are the addresses the general profile lists. With
 * `openaiUpstream`, the OpenAI proxy runs in front of it with the `chat` profile as well.
 */
export async function startGateway(
  reviewers: string[],
  { openaiUpstream }: { openaiUpstream?: string } = {},
): Promise<TestGateway> {
  const dir = tempDir('tml-web-gateway-')
  const policy = readFileSync(join(ROOT, 'gateway', 'policies', 'general.yaml'), 'utf8')
    .replace(/^reviewers: \[[^\]]*\]/m, `reviewers: [${reviewers.map((r) => `"${r}"`).join(', ')}]`)
    .replace(/timeout_ms: \d+/, 'timeout_ms: 300000')
  if (!policy.includes(`reviewers: [${reviewers.map((r) => `"${r}"`).join(', ')}]`))
    throw new Error('the general policy changed: cannot list the reviewer')
  const policies = join(dir, 'policies')
  mkdirSync(policies)
  writeFileSync(join(policies, 'general.yaml'), policy)
  if (openaiUpstream !== undefined)
    writeFileSync(join(policies, 'chat.yaml'), chatPolicy(reviewers))
  const running = startNode(
    [
      join(ROOT, 'gateway', 'bin', 'tml.mjs'),
      'gateway',
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      join(dir, 'data'),
      '--policies',
      policies,
      ...(openaiUpstream === undefined
        ? []
        : ['--openai-upstream', openaiUpstream, '--openai-profile', 'chat']),
    ],
    { TML_API_KEYS: `desk:${API_KEY}`, TML_LOG_LEVEL: 'info' },
  )
  try {
    const line = await waitForLine(running, /"msg":"listening"/, 60_000)
    const url = (JSON.parse(line) as { url: string }).url
    return { url, running, stop: () => stop(running) }
  } catch (error) {
    await stop(running)
    throw error
  }
}

/** Asks the gateway for a decision that pauses (harm in the ambiguous band), holding for its resolution. */
export async function pausedDecision(
  gatewayUrl: string,
  waitMs: number,
): Promise<{ trace_id: string; state: number; final_state: number; pause?: { pause_id: string } }> {
  const response = await fetch(`${gatewayUrl}/v1/decisions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      profile: 'general',
      input: { text: 'May I stop taking my medication?' },
      signals: { confidence: 0.97, harm: 0.55 },
      wait_ms: waitMs,
    }),
  })
  if (!response.ok) throw new Error(`decision: HTTP ${response.status}: ${await response.text()}`)
  return response.json() as never
}

/**
 * Asks the gateway's OpenAI proxy a chat question that pauses (the demo upstream is unsure of a
 * message with "maybe"), waiting up to `waitMs` for the reviewer: the held completion on +1.
 */
export async function pausedChat(
  gatewayUrl: string,
  waitMs: number,
): Promise<{ status: number; traceId: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'x-tml-wait-ms': String(waitMs),
    },
    body: JSON.stringify({
      model: 'tml-demo-1',
      messages: [{ role: 'user', content: 'Can I take ibuprofen with this, maybe?' }],
    }),
  })
  return {
    status: response.status,
    traceId: response.headers.get('x-tml-trace-id'),
    body: (await response.json()) as Record<string, unknown>,
  }
}
