import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import { buildServer } from '../../../src/http/buildServer.ts'
import { loadKeys } from '../../../src/keys/loadKeys.ts'
import { loadPolicies } from '../../../src/policy/loadPolicies.ts'
import { type DemoUpstream, startDemoUpstream } from '../../../src/proxy/openai/demoUpstream.ts'
import { createGateway, type Gateway } from '../../../src/service/createGateway.ts'
import { API_TOKEN, policyDirWith, reviewer } from '../../helpers/gateway.ts'
import { tempDir } from '../../helpers/memory.ts'

/** A second caller's API key. */
export const OTHER_TOKEN = 'other-token-0123456789abcdef'

/** The proxy's test profile: rules over the request, logprobs, a monitor, energy per token. */
export function chatPolicy({
  monitorUrl,
  profile = 'chat',
  timing = 'deliberative',
  extra = '',
  upstreamTimeoutMs = 5000,
}: {
  monitorUrl: string
  profile?: string
  timing?: 'deliberative' | 'real_time'
  extra?: string
  upstreamTimeoutMs?: number
}): string {
  return `v: tml-policy/1
profile: ${profile}
timing: ${timing}
ambiguity: { entropy_max: 0.5, required: false }
harm: { ambiguous: 0.5, critical: 0.9, required: false }
rules:
  - id: no_credentials
    trigger: MANDATE
    outcome: -1
    reason: requests for credentials are refused
    when: { field: context.last_user_message, contains: password }
  - id: legal_review
    trigger: CONTEXTUAL
    outcome: 0
    reason: legal questions are reviewed by a person
    when: { field: context.last_user_message, contains: lawsuit }
  - id: no_leaks
    trigger: MANDATE
    outcome: -1
    reason: the answer leaks a secret marker
    when: { field: output.choices.0.message.content, contains: TOP-SECRET }
pause:
  timeout_ms: 60000
  budget:
    per_caller: { capacity: 100, refill_per_s: 0 }
    overall: { capacity: 100, refill_per_s: 0 }
reviewers: ["${reviewer.address}"]
proxy:
  logprobs: true
  top_logprobs: 5
  monitor: { url: "${monitorUrl}", timeout_ms: 2000 }
  energy_per_token_j: 0.25
  upstream_timeout_ms: ${upstreamTimeoutMs}
${extra}`
}

/** A gateway with the OpenAI proxy on a real HTTP port, the demo upstream, and an OpenAI client. */
export type ProxyFixture = {
  gateway: Gateway
  app: FastifyInstance
  upstream: DemoUpstream
  /** The gateway's base URL (`http://127.0.0.1:PORT`). */
  base: string
  client: (options?: { profile?: string; waitMs?: number }) => OpenAI
  close: () => Promise<void>
}

/**
 * Starts the demo upstream, a gateway whose proxy points at it (or at `upstreamUrl`), serving on
 * 127.0.0.1, with the `chat` profile (and the `policies` given) in the shipped set.
 */
export async function startProxyFixture({
  policies,
  upstreamUrl,
  defaultProfile = 'chat',
}: {
  policies?: (monitorUrl: string) => Record<string, string>
  upstreamUrl?: string
  defaultProfile?: string
} = {}): Promise<ProxyFixture> {
  const upstream = await startDemoUpstream()
  const monitorUrl = `${upstream.url}/moderations`
  const dir = tempDir('tml-proxy-')
  const extra = policies ? policies(monitorUrl) : {}
  const policyDir = policyDirWith(dir, { 'chat.yaml': chatPolicy({ monitorUrl }), ...extra })
  const keys = loadKeys({
    dir: join(dir, 'keys'),
    env: { TML_API_KEYS: `tester:${API_TOKEN},other:${OTHER_TOKEN}` },
    create: true,
  })
  const gateway = await createGateway({
    keys,
    policies: loadPolicies({ paths: [policyDir] }),
    dataDir: dir,
    retryMs: 20,
  })
  const app = await buildServer({
    gateway,
    apiKeys: keys.apiKeys,
    openai: { upstream: { baseUrl: upstreamUrl ?? upstream.url }, defaultProfile },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return {
    gateway,
    app,
    upstream,
    base,
    client: ({ profile, waitMs } = {}) =>
      new OpenAI({
        baseURL: `${base}/v1`,
        apiKey: API_TOKEN,
        maxRetries: 0,
        defaultHeaders: {
          ...(profile ? { 'x-tml-profile': profile } : {}),
          ...(waitMs !== undefined ? { 'x-tml-wait-ms': String(waitMs) } : {}),
        },
      }),
    close: async () => {
      await app.close()
      await gateway.close()
      await upstream.close()
    },
  }
}

/** The chat completions the upstream received (moderation calls left out). */
export function chatCalls(upstream: DemoUpstream) {
  return upstream.requests.filter((r) => r.path === '/v1/chat/completions')
}
