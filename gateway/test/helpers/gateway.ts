import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { privateKeyToAccount } from 'viem/accounts'
import { type BuildServerParameters, buildServer } from '../../src/http/buildServer.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import type { LogStore } from '../../src/memory/LogStore.ts'
import type { VerificationHook } from '../../src/pause/VerificationHook.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import {
  type CreateGatewayParameters,
  createGateway,
  type Gateway,
} from '../../src/service/createGateway.ts'
import { tempDir } from './memory.ts'
import { POLICY_DIR } from './policies.ts'

/** Reviewer listed by the test `review` profile (a well-known test key, never a real one). */
export const reviewer = privateKeyToAccount(
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
)
/** A key that no policy lists. */
export const stranger = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
)

export const API_TOKEN = 'test-token-0123456789abcdef'
export const auth = { authorization: `Bearer ${API_TOKEN}` }

/** The `review` profile: a listed reviewer, a timeout and pause budget chosen by the test. */
export function reviewPolicy({
  timeoutMs = 60_000,
  hook,
  budget = [1000, 1000],
}: {
  timeoutMs?: number
  hook?: string
  budget?: [number, number]
} = {}): string {
  return `v: tml-policy/1
profile: review
ambiguity: { confidence_min: 0.9 }
harm: { ambiguous: 0.4, critical: 0.9 }
pause:
  timeout_ms: ${timeoutMs}
  budget:
    per_caller: { capacity: ${budget[0]}, refill_per_s: 0 }
    overall: { capacity: ${budget[1]}, refill_per_s: 0 }
${hook ? `  verification_hook: ${hook}\n` : ''}reviewers: ["${reviewer.address}"]
pii_fields: [input.name, context.email]
`
}

export type TestGateway = {
  gateway: Gateway
  app: FastifyInstance
  dir: string
  close: () => Promise<void>
}

/**
 * A policy directory in `dir`: copies of the shipped policies (gateway/policies) and the files
 * of `extra` (file name → YAML text). Returns its path.
 */
export function policyDirWith(dir: string, extra: Record<string, string> = {}): string {
  const policyDir = join(dir, 'policies')
  mkdirSync(policyDir, { recursive: true })
  for (const f of readdirSync(POLICY_DIR)) copyFileSync(join(POLICY_DIR, f), join(policyDir, f))
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(policyDir, file), text)
  return policyDir
}

/** `gateway` behind its HTTP API, in process (tests drive it with `app.inject`); closes both. */
export async function serveTestGateway(
  gateway: Gateway,
  dir: string,
  server: Omit<BuildServerParameters, 'gateway'>,
): Promise<TestGateway> {
  const app = await buildServer({ gateway, ...server })
  return {
    gateway,
    app,
    dir,
    close: async () => {
      await app.close()
      await gateway.close()
    },
  }
}

/**
 * A gateway on a fresh temporary directory with the shipped policies plus `review` (and the
 * policy files of `policies`, file name → YAML text).
 */
export async function startTestGateway(
  options: {
    dir?: string
    store?: LogStore
    clock?: () => number
    timeoutMs?: number
    hooks?: Record<string, VerificationHook>
    hook?: string
    retryMs?: number
    /** Pause budget of `review`: [per caller, overall]. */
    budget?: [number, number]
    anchoring?: () => { available: boolean; reason?: string }
    policies?: Record<string, string>
    onEvent?: CreateGatewayParameters['onEvent']
  } = {},
): Promise<TestGateway> {
  const dir = options.dir ?? tempDir()
  const policyDir = policyDirWith(dir, {
    'review.yaml': reviewPolicy({
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.hook ? { hook: options.hook } : {}),
      ...(options.budget ? { budget: options.budget } : {}),
    }),
    ...options.policies,
  })
  const keys = loadKeys({
    dir: join(dir, 'keys'),
    env: { TML_API_KEYS: `tester:${API_TOKEN},other:other-token-0123456789abcdef` },
    create: true,
  })
  const gateway = await createGateway({
    keys,
    policies: loadPolicies({ paths: [policyDir] }),
    dataDir: dir,
    retryMs: options.retryMs ?? 20,
    ...(options.store ? { store: options.store } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.anchoring ? { anchoring: options.anchoring } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  })
  return serveTestGateway(gateway, dir, {
    apiKeys: keys.apiKeys,
    ...(options.clock ? { clock: options.clock } : {}),
  })
}

export const SMALLEST = {
  profile: 'general',
  input: { text: 'hello' },
  signals: { confidence: 0.99, harm: 0.01 },
}

/** The fields of a decision answer that the store-fault tests read. */
export type DecisionAnswer = {
  state: number
  trigger_type: string
  trigger_detail: string
  logged: boolean
  seq: number | null
  receipt: { seq: number; signature: string } | null
}

/** Posts the smallest valid decision; the HTTP status must be 200 (refusals are answers too). */
export async function decideSmallest(t: TestGateway): Promise<DecisionAnswer> {
  const r = await t.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: auth,
    payload: SMALLEST,
  })
  assert.equal(r.statusCode, 200)
  return r.json()
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Asserts that a store outage lasts while its cause does: well after several probe periods the
 * gateway is still not ready (reason `code`) and still refuses, naming the outage.
 */
export async function assertOutageLasts(t: TestGateway, code: string): Promise<void> {
  await sleep(200)
  const ready = await t.app.inject({ url: '/readyz' })
  assert.equal(ready.statusCode, 503)
  assert.equal(ready.json().reason, code)
  const still = await decideSmallest(t)
  assert.equal(still.state, -1)
  assert.equal(still.logged, false)
  assert.match(still.trigger_detail, new RegExp(`log store unavailable: ${code}`))
}

/** Waits (up to 2 s) for the gateway to report ready again by itself, and asserts it did. */
export async function assertReadyAgain(t: TestGateway): Promise<void> {
  for (let i = 0; i < 100 && (await t.app.inject({ url: '/readyz' })).statusCode !== 200; i++)
    await sleep(20)
  assert.equal((await t.app.inject({ url: '/readyz' })).statusCode, 200)
}
