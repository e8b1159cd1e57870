// A gateway with its anchoring lane on the local chains of `localChains.ts`.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { bytesToHex, type Hex } from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import type { ChainConfig } from '../../src/anchoring/ChainAnchorer.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { type GatewayKeys, loadKeys } from '../../src/keys/loadKeys.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import {
  createGateway,
  type Gateway,
  type GatewayLaneOptions,
} from '../../src/service/createGateway.ts'
import {
  API_TOKEN,
  auth,
  policyDirWith,
  SMALLEST,
  serveTestGateway,
  type TestGateway,
} from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { DEV_KEYS, type LocalChain, startLocalChain } from './localChains.ts'

export type Fixture = {
  chains: (LocalChain & { logId: Hex })[]
  keys: GatewayKeys
  logId: Hex
  checkpointKey: Hex
  receiptSeed: Hex
  stop(): Promise<void>
}

/** Keys for a fresh log, and both local chains with that log declared on them. */
export async function startChains({ maxEpochIntervalS = 3600 } = {}): Promise<Fixture> {
  const checkpointKey = bytesToHex(new Uint8Array(randomBytes(32)))
  const receiptSeed = bytesToHex(new Uint8Array(randomBytes(32)))
  const signer = privateKeyToAccount(checkpointKey).address
  const receiptKey = createReceiptSigner(Buffer.from(receiptSeed.slice(2), 'hex')).keyCommitment
  const chains = await Promise.all(
    (['ethereum', 'polygon'] as const).map((name) =>
      startLocalChain({ name, signer, receiptKey, maxEpochIntervalS }),
    ),
  )
  const logId = (chains[0] as { logId: Hex }).logId
  const keys = loadKeys({
    dir: join(tempDir(), 'keys'),
    env: {
      TML_LOG_ID: logId,
      TML_CHECKPOINT_KEY: checkpointKey,
      TML_RECEIPT_KEY: receiptSeed,
      TML_SUBJECT_INDEX_KEY: bytesToHex(new Uint8Array(randomBytes(32))),
      TML_API_KEYS: `tester:${API_TOKEN}`,
    },
    create: false,
  })
  return {
    chains,
    keys,
    logId,
    checkpointKey,
    receiptSeed,
    stop: async () => {
      await Promise.all(chains.map((c) => c.stop()))
    },
  }
}

/**
 * Both local chains (`startChains`) for the tests of the `describe` it is called in: started
 * before them and stopped after them. `started` runs once they are up (to start a gateway on
 * them, say), `stopping` before they stop. Returns a getter for the fixture.
 */
export function useChains(
  hooks: { started?: (fixture: Fixture) => Promise<void>; stopping?: () => Promise<void> } = {},
): () => Fixture {
  let fixture: Fixture | undefined
  before(async () => {
    fixture = await startChains()
    await hooks.started?.(fixture)
  })
  after(async () => {
    await hooks.stopping?.()
    await fixture?.stop()
  })
  return () => {
    assert.ok(fixture, 'the chains are started before the tests')
    return fixture
  }
}

export function chainConfigs(
  fixture: Fixture,
  overrides: Partial<ChainConfig> = {},
): ChainConfig[] {
  return fixture.chains.map((c) => ({
    name: c.name,
    chainId: c.chainId,
    rpcUrl: c.rpcUrl,
    registry: c.registry,
    confirmations: 1,
    pollMs: 50,
    maxBackoffMs: 400,
    ...overrides,
  }))
}

/**
 * A deployments directory naming the fixture's CheckpointRegistry on each chain, as
 * `tml gateway start --deployments` and `tml verify --deployments` read it. Returns its path.
 */
export function writeDeployments(fixture: Fixture, dir = tempDir()): string {
  for (const c of fixture.chains) {
    writeFileSync(
      join(dir, `${c.name}.json`),
      JSON.stringify({
        chainId: c.chainId,
        contracts: { CheckpointRegistry: { address: c.registry } },
      }),
    )
  }
  return dir
}

/** A gateway with its anchoring lane, behind its HTTP API (see `startTestGateway`). */
export type AnchoredGateway = TestGateway

/**
 * A gateway (the shipped policies, `general` among them deliberative, and the policy files of
 * `policies`, file name → YAML text) anchoring on the fixture's chains.
 */
export async function startAnchoredGateway(
  fixture: Fixture,
  lane: Partial<GatewayLaneOptions> = {},
  dir = tempDir(),
  policies: Record<string, string> = {},
): Promise<AnchoredGateway> {
  const gateway = await createAnchoredGateway(fixture, lane, dir, policies)
  return serveTestGateway(gateway, dir, { apiKeys: fixture.keys.apiKeys })
}

/** The gateway of `startAnchoredGateway`, not yet behind its HTTP API. */
export function createAnchoredGateway(
  fixture: Fixture,
  lane: Partial<GatewayLaneOptions> = {},
  dir = tempDir(),
  policies: Record<string, string> = {},
): Promise<Gateway> {
  return createGateway({
    keys: fixture.keys,
    policies: loadPolicies({ paths: [policyDirWith(dir, policies)] }),
    dataDir: dir,
    writer: 'inline',
    retryMs: 20,
    lane: {
      chains: chainConfigs(fixture),
      relayer: privateKeyToAccount(DEV_KEYS.relayer),
      epochPeriodMs: 200,
      tickMs: 25,
      maxEpochIntervalMs: 60_000,
      ...lane,
    },
  })
}

/** POSTs a decision (the smallest request, `payload` over it), asserts a 200 and returns the answer. */
export async function postDecision<T>(
  gw: AnchoredGateway,
  payload: Record<string, unknown>,
): Promise<T> {
  const res = await gw.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: auth,
    payload: { ...SMALLEST, ...payload },
  })
  assert.equal(res.statusCode, 200, res.body)
  return res.json() as T
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * The arguments and environment of a `tml gateway start` child anchoring the fixture's log on
 * its chains (100 ms epochs, the shipped policies, the development relayer), for tests that
 * start and kill the gateway as a process. `extraArgs` come first (e.g. `--store URL`).
 */
export function childGatewayConfig(
  fixture: Fixture,
  deployments: string,
  extraArgs: readonly string[] = [],
): { args: string[]; env: Record<string, string> } {
  return {
    args: [
      ...extraArgs,
      '--deployments',
      deployments,
      '--epoch-period',
      '100',
      '--policies',
      join(import.meta.dirname, '..', '..', 'policies'),
      ...fixture.chains.flatMap((c) => ['--chain', `${c.name}=${c.rpcUrl}`]),
    ],
    env: {
      TML_LOG_ID: fixture.logId,
      TML_CHECKPOINT_KEY: fixture.checkpointKey,
      TML_RECEIPT_KEY: fixture.receiptSeed,
      TML_SUBJECT_INDEX_KEY: `0x${'07'.repeat(32)}`,
      TML_API_KEYS: `tester:${API_TOKEN}`,
      TML_RELAYER_KEY: DEV_KEYS.relayer,
    },
  }
}
