// A real gateway (`tml gateway start`) on a free port with a temporary data directory, the
// shipped `general` policy with the test reviewer listed, and one API key.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, type Running, startNode, stop, waitForLine } from './processes.ts'

export const API_KEY = 'desk-e2e-token-0123456789'

export type TestGateway = { url: string; running: Running; stop(): Promise<void> }

/** Starts the gateway; `reviewers` are the addresses the general profile lists. */
export async function startGateway(reviewers: string[]): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'tml-web-gateway-'))
  const policy = readFileSync(join(ROOT, 'gateway', 'policies', 'general.yaml'), 'utf8')
    .replace(/^reviewers: \[[^\]]*\]/m, `reviewers: [${reviewers.map((r) => `"${r}"`).join(', ')}]`)
    .replace(/timeout_ms: \d+/, 'timeout_ms: 300000')
  if (!policy.includes(`reviewers: [${reviewers.map((r) => `"${r}"`).join(', ')}]`))
    throw new Error('the general policy changed: cannot list the reviewer')
  const policies = join(dir, 'policies')
  mkdirSync(policies)
  writeFileSync(join(policies, 'general.yaml'), policy)
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
