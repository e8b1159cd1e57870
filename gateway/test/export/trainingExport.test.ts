// Student mode end to end: a real gateway (commit worker, sealed vault, anchoring lane) on a local
// Hardhat chain with an AccessRegistry and three custodians; pauses resolved by a verification
// hook and by a reviewer; one subject erased; an auditor's grant approved and released on chain;
// then `tml export --training` from the command line, and every way it must refuse.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { accessRegistryAbi, bytesToHex, type Hex } from '@tml/core'
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionSystemMessageParam,
  ChatCompletionUserMessageParam,
} from 'openai/resources/chat/completions'
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { main } from '../../src/cli/main.ts'
import { TRAINING_SYSTEM_PROMPT, type TrainingExample } from '../../src/export/trainingExample.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import type { VerificationHook } from '../../src/pause/VerificationHook.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { createGateway } from '../../src/service/createGateway.ts'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { releaseForGrant } from '../../src/vault/releaseForGrant.ts'
import { fetchSealedRecord, fetchVaultEpoch } from '../../src/vault/vaultHttp.ts'
import { DEV_KEYS, type LocalChain, startLocalChain } from '../e2e/localChains.ts'
import {
  API_TOKEN,
  auth,
  policyDirWith,
  reviewer,
  reviewPolicy,
  serveTestGateway,
  type TestGateway,
} from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { signedResolution } from '../helpers/review.ts'
import { flipSealedByte } from '../helpers/tamperSealed.ts'

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..')
/** Well-known Hardhat development keys #3–#5 (custodians), #6 (auditor); never real keys. */
const CUSTODIAN_KEYS: Hex[] = [
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
]
const AUDITOR_KEY: Hex = '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e'
const HOUR = 3600n

/** The hook decides by the pause's confidence; 0.55 it leaves to the reviewer. */
const precedent: VerificationHook = async (pause) => {
  const confidence = pause.metrics.confidence
  if (confidence === 0.5) return { decision: 1, rationale: 'matches approved precedent 12' }
  if (confidence === 0.45) return { decision: -1, rationale: 'dose above the label for any age' }
  if (confidence === 0.4) return { decision: 1, rationale: 'routine refill' }
  return undefined
}

/** The type a chat fine-tuning line has for the `openai` package (a compile-time check). */
type OpenAiTrainingLine = {
  messages: [
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
    ChatCompletionAssistantMessageParam,
  ]
}
const asOpenAiLine = (line: TrainingExample): OpenAiTrainingLine => line

type Case = { traceId: string; subject?: string; confidence: number; epoch: number }

describe('tml export --training (student mode) on a local chain', () => {
  let chain: LocalChain & { logId: Hex }
  let t: TestGateway
  let gatewayUrl: string
  let client: PublicClient
  let access: Address
  let viemChain: Chain
  const custodianX: { publicKey: Hex; privateKey: Hex }[] = []
  const dir = tempDir('tml-training-')
  const auditorKeyFile = join(dir, 'auditor.x25519')
  const strangerKeyFile = join(dir, 'stranger.x25519')
  const cases: Record<string, Case> = {}
  let grantId: bigint
  let pendingGrantId: bigint

  const wallet = (key: Hex): WalletClient<Transport, Chain, Account> =>
    createWalletClient({
      chain: viemChain,
      transport: http(chain.nodeUrl),
      account: privateKeyToAccount(key),
    })

  async function send(key: Hex, functionName: string, args: readonly unknown[]): Promise<void> {
    const w = wallet(key)
    const { request } = await client.simulateContract({
      address: access,
      abi: accessRegistryAbi,
      functionName,
      args,
      account: w.account,
    } as never)
    const hash = await w.writeContract(request as never)
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, 'success')
  }

  const grantCount = () =>
    client.readContract({ address: access, abi: accessRegistryAbi, functionName: 'grantCount' })

  /** A pause of the `review` profile, resolved by the hook or (confidence 0.55) by the reviewer. */
  async function resolvedPause(name: string, confidence: number, subject?: string): Promise<void> {
    const response = await fetch(new URL('/v1/decisions', gatewayUrl), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        profile: 'review',
        input: { name: `${name} Lovelace`, text: `dose for ${name}?` },
        output: { text: 'take two' },
        context: { email: `${name}@example.org` },
        signals: { confidence, harm: 0.01 },
        ...(subject === undefined ? {} : { subject }),
      }),
    })
    assert.equal(response.status, 200, await response.clone().text())
    const answer = (await response.json()) as { trace_id: string; state: number }
    assert.equal(answer.state, 0, 'the request pauses')
    if (confidence === 0.55) {
      const resolved = await t.app.inject({
        method: 'POST',
        url: `/v1/pauses/${answer.trace_id}/resolution`,
        payload: await signedResolution(t, reviewer, answer.trace_id, -1),
      })
      assert.equal(resolved.statusCode, 200, resolved.body)
    }
    assert.ok(await t.gateway.pauses.wait(answer.trace_id, 10_000), `${name}'s pause is resolved`)
    const sealed = await fetchSealedRecord({ gatewayUrl, traceId: answer.trace_id })
    cases[name] = {
      traceId: answer.trace_id,
      confidence,
      epoch: sealed.epoch,
      ...(subject === undefined ? {} : { subject }),
    }
  }

  /** The vault epoch sealing now: that of a fresh plain decision. */
  async function sealedEpochNow(): Promise<number> {
    const response = await fetch(new URL('/v1/decisions', gatewayUrl), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        profile: 'general',
        input: { text: 'hello' },
        signals: { confidence: 0.99, harm: 0.01 },
      }),
    })
    const { trace_id } = (await response.json()) as { trace_id: string }
    return (await fetchSealedRecord({ gatewayUrl, traceId: trace_id })).epoch
  }

  async function run(argv: string[], env: Record<string, string> = {}) {
    let out = ''
    let err = ''
    const code = await main({
      argv,
      io: {
        out: (x) => {
          out += x
        },
        err: (x) => {
          err += x
        },
        env: {
          TML_RPC_URL: chain.nodeUrl,
          TML_ACCESS_REGISTRY: access,
          TML_GATEWAY_URL: gatewayUrl,
          TML_API_KEY: API_TOKEN,
          ...env,
        },
      },
    })
    return { code, out, err }
  }

  const exportArgs = (grant: bigint, out: string, keyFile = auditorKeyFile) => [
    'export',
    '--training',
    '--grant',
    String(grant),
    '--auditor-key',
    keyFile,
    '--out',
    out,
  ]

  before(async () => {
    const checkpointKey = bytesToHex(new Uint8Array(randomBytes(32)))
    const receiptSeed = bytesToHex(new Uint8Array(randomBytes(32)))
    chain = await startLocalChain({
      name: 'ethereum',
      signer: privateKeyToAccount(checkpointKey).address,
      receiptKey: createReceiptSigner(Buffer.from(receiptSeed.slice(2), 'hex')).keyCommitment,
      maxEpochIntervalS: 3600,
    })
    viemChain = defineChain({
      id: chain.chainId,
      name: 'ethereum',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [chain.nodeUrl] } },
    })
    client = createPublicClient({
      chain: viemChain,
      transport: http(chain.nodeUrl),
      pollingInterval: 50,
    }) as PublicClient
    const artifact = JSON.parse(
      readFileSync(
        join(ROOT, 'artifacts', 'contracts', 'AccessRegistry.sol', 'AccessRegistry.json'),
        'utf8',
      ),
    ) as { bytecode: Hex }
    const deployed = await client.waitForTransactionReceipt({
      hash: await wallet(DEV_KEYS.operator).deployContract({
        abi: accessRegistryAbi,
        bytecode: artifact.bytecode,
        args: [chain.lantern],
      }),
    })
    access = deployed.contractAddress as Address
    for (let i = 0; i < 3; i++) custodianX.push(await generateVaultKeyPair())
    const auditorX = await generateVaultKeyPair()
    writeFileSync(auditorKeyFile, `${auditorX.privateKey}\n`)
    writeFileSync(strangerKeyFile, `${(await generateVaultKeyPair()).privateKey}\n`)
    await send(DEV_KEYS.operator, 'declareCustodians', [
      chain.logId,
      CUSTODIAN_KEYS.map((k) => privateKeyToAccount(k).address),
      custodianX.map((k) => k.publicKey),
      2,
    ])

    const keys = loadKeys({
      dir: join(dir, 'keys'),
      env: {
        TML_LOG_ID: chain.logId,
        TML_CHECKPOINT_KEY: checkpointKey,
        TML_RECEIPT_KEY: receiptSeed,
        TML_SUBJECT_INDEX_KEY: bytesToHex(new Uint8Array(randomBytes(32))),
        TML_API_KEYS: `tester:${API_TOKEN}`,
      },
      create: false,
    })
    const gateway = await createGateway({
      keys,
      policies: loadPolicies({
        paths: [policyDirWith(dir, { 'review.yaml': reviewPolicy({ hook: 'precedent' }) })],
      }),
      dataDir: dir,
      retryMs: 20,
      hooks: { precedent },
      vault: {
        set: parseCustodians(
          custodianX.map((k, i) => `c${i}=${k.publicKey}`),
          2,
        ),
        periodMs: 1500,
      },
      // The log's entries are served with an anchoring lane only.
      lane: {
        chains: [
          {
            name: chain.name,
            chainId: chain.chainId,
            rpcUrl: chain.rpcUrl,
            registry: chain.registry,
            confirmations: 1,
            pollMs: 50,
            maxBackoffMs: 400,
          },
        ],
        relayer: privateKeyToAccount(DEV_KEYS.relayer),
        epochPeriodMs: 200,
        tickMs: 25,
        maxEpochIntervalMs: 60_000,
      },
    })
    t = await serveTestGateway(gateway, dir, { apiKeys: keys.apiKeys })
    gatewayUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })

    // In the grant's epochs: two hook resolutions, one reviewer's, one of a subject erased later.
    await resolvedPause('ada', 0.5, 'patient-ada')
    await resolvedPause('bob', 0.45, 'patient-bob')
    await resolvedPause('cyd', 0.55)
    await resolvedPause('eve', 0.4, 'patient-eve')
    const erased = await t.app.inject({
      method: 'POST',
      url: '/v1/subjects/patient-eve/erasure',
      headers: auth,
    })
    assert.equal(erased.statusCode, 200, erased.body)
    const inRange = Object.values(cases).map((c) => c.epoch)
    const from = Math.min(...inRange)
    const to = Math.max(...inRange)
    // Outside them: a pause sealed in a later vault epoch (plain decisions tell the epoch).
    for (let i = 0; i < 60 && (await sealedEpochNow()) <= to; i++)
      await new Promise((r) => setTimeout(r, 100))
    await resolvedPause('fay', 0.5, 'patient-fay')
    assert.ok((cases.fay as Case).epoch > to, "fay's pause is sealed after the grant's epochs")

    // The auditor's grant: k = 2 approvals, two custodians release every epoch in range.
    await send(AUDITOR_KEY, 'requestAccess', [
      chain.logId,
      BigInt(from),
      BigInt(to),
      HOUR,
      auditorX.publicKey,
    ])
    grantId = await grantCount()
    await send(CUSTODIAN_KEYS[0] as Hex, 'approve', [grantId])
    await send(CUSTODIAN_KEYS[1] as Hex, 'approve', [grantId])
    const epochs = Array.from({ length: to - from + 1 }, (_, i) => from + i)
    for (const i of [0, 1])
      await releaseForGrant({
        publicClient: client,
        walletClient: wallet(CUSTODIAN_KEYS[i] as Hex),
        accessRegistry: access,
        grantId,
        epochs,
        custodianKey: (custodianX[i] as { privateKey: Hex }).privateKey,
        epochKey: (epoch) => fetchVaultEpoch({ gatewayUrl, epoch }),
      })
    // A second grant with one approval of two: never live.
    await send(AUDITOR_KEY, 'requestAccess', [
      chain.logId,
      BigInt(from),
      BigInt(to),
      HOUR,
      auditorX.publicKey,
    ])
    pendingGrantId = await grantCount()
    await send(CUSTODIAN_KEYS[0] as Hex, 'approve', [pendingGrantId])
  })
  after(async () => {
    await t?.close()
    await chain?.stop()
  })

  it('writes one chat fine-tuning line per resolved pause in the grant: the case, the proposed state, the decision and rationale', async () => {
    const out = join(dir, 'cases.jsonl')
    const r = await run(exportArgs(grantId, out))
    assert.equal(r.code, 0, r.err)
    assert.match(r.out, /wrote 3 training examples/)
    assert.match(
      r.err,
      /3 examples written, 2 resolved pauses skipped \(erased 1, outside-grant 1\)/,
    )

    const text = readFileSync(out, 'utf8')
    assert.ok(text.endsWith('\n'))
    const lines = text.trimEnd().split('\n')
    assert.equal(lines.length, 3)
    const byName = new Map<string, { user: Record<string, unknown>; assistant: unknown }>()
    for (const line of lines) {
      const parsed = JSON.parse(line) as TrainingExample
      // Only what OpenAI's per-line schema allows: `messages` (no metadata unless asked).
      assert.deepEqual(Object.keys(parsed), ['messages'])
      const typed = asOpenAiLine(parsed)
      assert.deepEqual(
        typed.messages.map((m) => m.role),
        ['system', 'user', 'assistant'],
      )
      for (const m of typed.messages) {
        assert.deepEqual(Object.keys(m).sort(), ['content', 'role'])
        assert.equal(typeof m.content, 'string')
      }
      assert.equal(typed.messages[0].content, TRAINING_SYSTEM_PROMPT)
      const user = JSON.parse(typed.messages[1].content as string) as Record<string, unknown>
      const name = /dose for (\w+)\?/.exec(JSON.stringify(user))?.[1] as string
      byName.set(name, { user, assistant: JSON.parse(typed.messages[2].content as string) })
    }
    assert.deepEqual([...byName.keys()].sort(), ['ada', 'bob', 'cyd'])
    assert.deepEqual(byName.get('ada')?.assistant, {
      action: 'proceed',
      decision: 1,
      rationale: 'matches approved precedent 12',
    })
    assert.deepEqual(byName.get('bob')?.assistant, {
      action: 'refuse',
      decision: -1,
      rationale: 'dose above the label for any age',
    })
    const cyd = byName.get('cyd')
    assert.ok(cyd)
    // The reviewer's decision; its rationale is whatever the reviewer had sealed (or null).
    assert.equal((cyd.assistant as { decision: number }).decision, -1)

    const ada = byName.get('ada')?.user as {
      request: { input: { name: string; text: string }; context: { email: string } }
      held_output: unknown
      proposed: { state: number; trigger_type: string; scores: { confidence: number } }
    }
    assert.equal(ada.request.input.text, 'dose for ada?')
    assert.match(ada.request.input.name, /^psn:[0-9a-f]{64}$/, 'pii fields stay pseudonymized')
    assert.match(ada.request.context.email, /^psn:[0-9a-f]{64}$/)
    assert.deepEqual(ada.held_output, { text: 'take two' })
    assert.equal(ada.proposed.state, 0)
    assert.equal(ada.proposed.trigger_type, 'AMBIGUITY')
    assert.equal(ada.proposed.scores.confidence, 0.5)
    // No raw personal value, subject id or pseudonym of a subject, and nothing of the erased one.
    assert.doesNotMatch(text, /Lovelace|@example\.org|patient-|"subject"|dose for eve|dose for fay/)
  })

  it('--metadata names each line in the log; --arbiters leaves the reviewer out and counts it', async () => {
    const out = join(dir, 'with-metadata.jsonl')
    const r = await run([...exportArgs(grantId, out), '--metadata', '--arbiters', 'verification'])
    assert.equal(r.code, 0, r.err)
    assert.match(
      r.err,
      /2 examples written, 3 resolved pauses skipped \(arbiter 1, erased 1, outside-grant 1\)/,
    )
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Required<TrainingExample>)
    assert.deepEqual(
      lines.map((l) => l.metadata.pause.trace_id).sort(),
      [(cases.ada as Case).traceId, (cases.bob as Case).traceId].sort(),
    )
    for (const l of lines) {
      assert.equal(l.metadata.log_id, chain.logId)
      assert.equal(l.metadata.arbiter, 'verification')
      assert.ok(l.metadata.resolution.seq > l.metadata.pause.seq)
    }
  })

  it('refuses without a grant, with a grant not yet live, with another auditor key; bad options are named', async () => {
    const out = join(dir, 'refused.jsonl')
    const none = await run(['export', '--training', '--auditor-key', auditorKeyFile, '--out', out])
    assert.equal(none.code, 2)
    assert.match(
      none.err,
      /give --grant ID: training data leaves the vault only under a live grant/,
    )
    const pending = await run(exportArgs(pendingGrantId, out))
    assert.equal(pending.code, 1)
    assert.match(pending.err, /grant \d+ is not live: approved by 1 of the 2 custodians/)
    const unknown = await run(exportArgs(999n, out))
    assert.equal(unknown.code, 1)
    assert.match(unknown.err, /no grant 999/)
    const stranger = await run(exportArgs(grantId, out, strangerKeyFile))
    assert.equal(stranger.code, 1)
    assert.match(stranger.err, /the auditor key given is not grant \d+'s/)
    const arbiters = await run([...exportArgs(grantId, out), '--arbiters', 'reviewer,oracle'])
    assert.equal(arbiters.code, 2)
    assert.match(arbiters.err, /"oracle" is no arbiter kind/)
    assert.equal(existsSync(out), false, 'nothing is written when refused')
    // The plain export keeps its own options and behaviour.
    const plain = await run(['export', '--out', out])
    assert.equal(plain.code, 2)
    assert.match(plain.err, /need --out, and --log/)
  })

  it('a pause in range whose epoch k custodians did not release is skipped as not-released', async () => {
    const fay = cases.fay as Case
    const inRange = Object.values(cases)
      .filter((c) => c !== fay)
      .map((c) => c.epoch)
    const auditorPublic = (
      await client.readContract({
        address: access,
        abi: accessRegistryAbi,
        functionName: 'grantInfo',
        args: [grantId],
      })
    ).auditorKey
    // Fay's epoch is in this grant's range, but only one custodian releases it.
    await send(AUDITOR_KEY, 'requestAccess', [
      chain.logId,
      BigInt(Math.min(...inRange)),
      BigInt(fay.epoch),
      HOUR,
      auditorPublic,
    ])
    const wider = await grantCount()
    await send(CUSTODIAN_KEYS[1] as Hex, 'approve', [wider])
    await send(CUSTODIAN_KEYS[2] as Hex, 'approve', [wider])
    const epochs = Array.from(
      { length: Math.max(...inRange) - Math.min(...inRange) + 1 },
      (_, i) => Math.min(...inRange) + i,
    )
    for (const i of [1, 2])
      await releaseForGrant({
        publicClient: client,
        walletClient: wallet(CUSTODIAN_KEYS[i] as Hex),
        accessRegistry: access,
        grantId: wider,
        epochs: i === 1 ? [...epochs, fay.epoch] : epochs,
        custodianKey: (custodianX[i] as { privateKey: Hex }).privateKey,
        epochKey: (epoch) => fetchVaultEpoch({ gatewayUrl, epoch }),
      })
    const out = join(dir, 'wider.jsonl')
    const r = await run(exportArgs(wider, out))
    assert.equal(r.code, 0, r.err)
    assert.match(
      r.err,
      /3 examples written, 2 resolved pauses skipped \(erased 1, not-released 1\)/,
    )
  })

  it('a failure half-way (a tampered sealed record) leaves the previous file whole and no temporary file', async () => {
    const out = join(dir, 'atomic', 'cases.jsonl')
    const first = await run(exportArgs(grantId, out))
    assert.equal(first.code, 0, first.err)
    const before = readFileSync(out, 'utf8')
    // An attacker with the database rewrites the sealed record of the last exported pause, so
    // the failure comes after other records were opened.
    await flipSealedByte(join(dir, 'log.db'), (cases.cyd as Case).traceId, 1)
    const failed = await run(exportArgs(grantId, out))
    assert.equal(failed.code, 1)
    assert.match(failed.err, /not to its MTL's evidence_seal/)
    assert.equal(readFileSync(out, 'utf8'), before, 'the previous file is untouched')
    assert.deepEqual(readdirSync(join(dir, 'atomic')), ['cases.jsonl'], 'no temporary file is left')
  })

  it('after expiry the grant exports nothing: refused with the time it expired', async () => {
    await chain.rpc('evm_increaseTime', [Number(HOUR)])
    await chain.rpc('evm_mine')
    const out = join(dir, 'expired.jsonl')
    const r = await run(exportArgs(grantId, out))
    assert.equal(r.code, 1)
    assert.match(r.err, /grant \d+ expired at \d{4}-\d\d-\d\dT/)
    assert.equal(existsSync(out), false)
  })
})
