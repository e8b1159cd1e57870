// tml receipt check against two real EDR chains and a real gateway (HTTP on 127.0.0.1): a caller
// holding a receipt learns whether its promise was kept. Receipts that the gateway did not hand
// out are signed here with core's signReceipt and the log's receipt key, as a dishonest operator
// would sign them: one for a leaf never logged (pending, then MissedDeadline once its deadline is
// behind an anchored checkpoint) and one whose index holds another leaf (DifferentLeaf), which
// --report proves on both chains.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  checkpointRegistryAbi,
  type Hex,
  lanternRegistryAbi,
  receiptPublicKey,
  type SignedReceipt,
  signReceipt,
} from '@tml/core'
import { createPublicClient, http } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { main } from '../../src/cli/main.ts'
import { RECEIPT_HELP, receiptCommand } from '../../src/cli/receiptCommand.ts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../e2e/localChains.ts'
import { SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

/** Hardhat's well-known test account #3: funded on every local node, never a real key. */
const HARDHAT_TEST_ACCOUNT_3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'
const operator = privateKeyToAccount(DEV_KEYS.operator).address
const COMPROMISED = 3
const LOG_EQUIVOCATED = 5
/** The chains' maximum epoch interval of the log (startChains' default), seconds. */
const INTERVAL = 3600

type Answer = { trace_id: string; seq: number; receipt: SignedReceipt }

function capture(env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  }
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString()

describe('tml receipt check: two EDR chains and a real gateway', () => {
  let gw: AnchoredGateway | undefined
  let url = ''
  let deployments = ''
  const dir = tempDir()
  const fixture = useChains({
    started: async (f) => {
      gw = await startAnchoredGateway(f)
      await gw.app.listen({ host: '127.0.0.1', port: 0 })
      url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
      deployments = writeDeployments(f)
    },
    stopping: async () => {
      await gw?.close()
    },
  })
  const chainArgs = () => [
    ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.rpcUrl}`]),
    '--deployments',
    deployments,
  ]
  const check = async (
    receipt: unknown,
    extra: string[] = [],
    env: Record<string, string> = {},
  ) => {
    const file = join(dir, `${randomUUID()}.json`)
    writeFileSync(file, JSON.stringify(receipt))
    const run = capture(env)
    const code = await receiptCommand({
      argv: ['check', file, '--gateway', url, ...chainArgs(), ...extra],
      io: run.io,
    })
    return { code, ...run }
  }
  /** A receipt of the fixture's log signed with its receipt key (or `key`). */
  const forged = (
    fields: { seq: number; timestamp: string; traceId?: string; leafHash?: Hex },
    key?: Hex,
  ) =>
    signReceipt({
      receipt: {
        v: 'tml-receipt/2',
        logId: fixture().logId,
        traceId: fields.traceId ?? randomUUID(),
        seq: fields.seq,
        leafHash: fields.leafHash ?? bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
        timestamp: fields.timestamp,
      },
      privateKey: key ?? fixture().receiptSeed,
    })
  const clients = () =>
    fixture().chains.map((c) => ({
      chain: c,
      client: createPublicClient({ transport: http(c.nodeUrl) }),
    }))
  /** A logged decision whose proof bundle the gateway serves, anchored on both chains. */
  const anchoredDecision = async (): Promise<Answer> => {
    const answer = await postDecision<Answer>(gw as AnchoredGateway, SMALLEST)
    await eventually(
      async () => {
        const r = await fetch(`${url}/v1/traces/${answer.trace_id}/proof`)
        if (r.status !== 200) return undefined
        const bundle = (await r.json()) as { anchors: unknown[] }
        return bundle.anchors.length === 2 ? true : undefined
      },
      30_000,
      'the decision anchored on both chains',
    )
    return answer
  }

  test('usage: tml receipt prints its help; main lists it', async () => {
    const run = capture()
    assert.equal(await main({ argv: ['receipt', '--help'], io: run.io }), 0)
    assert.equal(run.stdout(), RECEIPT_HELP)
    const help = capture()
    await main({ argv: ['--help'], io: help.io })
    assert.match(help.stdout(), /receipt check RECEIPT/)
    assert.match(help.stdout(), /monitor /)
    const bad = await check({ not: 'a receipt' })
    assert.equal(bad.code, 1)
    assert.match(bad.stderr(), /is not a signed tml-receipt\/2 receipt/)
  })

  test('an honest receipt: included in an anchored checkpoint in time; the verified bundle is written', async () => {
    const answer = await anchoredDecision()
    const out = join(dir, 'honest.proof.json')
    const run = await check(answer, ['--out', out])
    assert.equal(run.code, 0, run.stderr() + run.stdout())
    assert.match(
      run.stdout(),
      /^included: leaf \d+ is in the checkpoint of epoch \d+, anchored on chain 31337, 31338/,
    )
    assert.match(run.stdout(), new RegExp(`proof bundle: ${out}\n`))
    const written = JSON.parse(readFileSync(out, 'utf8')) as {
      receipt: SignedReceipt
      leafIndex: number
    }
    assert.deepEqual(written.receipt, answer.receipt)
    assert.equal(written.leafIndex, answer.seq)
  })

  test('a receipt not yet anchored, deadline ahead: pending, with the deadline (exit 3)', async () => {
    const now = Math.floor(Date.now() / 1000)
    const receipt = forged({ seq: 1_000_000, timestamp: iso(now) })
    const run = await check(receipt, ['--json'])
    assert.equal(run.code, 3, run.stderr())
    const verdict = JSON.parse(run.stdout()) as { status: string; deadline: string; reason: string }
    assert.equal(verdict.status, 'pending')
    assert.equal(verdict.deadline, String(now + INTERVAL))
    assert.match(verdict.reason, /the gateway does not know trace/)
  })

  test("a receipt signed by a key that is not the log's: invalid (exit 1)", async () => {
    const stranger = generatePrivateKey()
    const receipt = forged({ seq: 0, timestamp: iso(Math.floor(Date.now() / 1000)) }, stranger)
    const run = await check(receipt, ['--receipt-key', receiptPublicKey(stranger)])
    assert.equal(run.code, 1)
    assert.match(
      run.stdout(),
      /^invalid: the receipt key 0x04.* is not a receipt key of the log's history/,
    )
  })

  test('a leaf never logged, deadline passed: broken (MissedDeadline); the proof is printed per chain, not sent', async () => {
    await anchoredDecision()
    // Issued two intervals ago: every checkpoint anchored since is dated after its deadline.
    const issued = Math.floor(Date.now() / 1000) - 2 * INTERVAL
    const receipt = forged({ seq: 1_000_000, timestamp: iso(issued) })
    const run = await check(receipt, ['--json'])
    assert.equal(run.code, 1, run.stderr())
    const verdict = JSON.parse(run.stdout()) as {
      status: string
      kind: string
      deadline: string
      proofs: { chainId: number; functionName: string; args: unknown[] }[]
    }
    assert.equal(verdict.status, 'broken')
    assert.equal(verdict.kind, 'MissedDeadline')
    assert.equal(verdict.deadline, String(issued + INTERVAL))
    assert.deepEqual(
      verdict.proofs.map((p) => [p.chainId, p.functionName]),
      [
        [31337, 'reportBrokenPromise'],
        [31338, 'reportBrokenPromise'],
      ],
    )
    // The printed arguments are what the chain takes: the registry accepts them (simulated).
    for (const { chain, client } of clients()) {
      const proof = verdict.proofs.find((p) => p.chainId === chain.chainId)
      assert.ok(proof)
      const [r, signature, x, y, anchored, other] = proof.args as [
        { logId: Hex; traceId: string; seq: string; leafHash: Hex; timestamp: string },
        Hex,
        Hex,
        Hex,
        { logId: Hex; epoch: string; treeSize: string; rootHash: Hex; timestamp: string },
        { leafHash: Hex; proof: Hex[] },
      ]
      await client.simulateContract({
        address: chain.registry,
        abi: checkpointRegistryAbi,
        functionName: 'reportBrokenPromise',
        args: [
          { ...r, seq: BigInt(r.seq) },
          signature,
          x,
          y,
          {
            ...anchored,
            epoch: BigInt(anchored.epoch),
            treeSize: BigInt(anchored.treeSize),
            timestamp: BigInt(anchored.timestamp),
          },
          other,
        ],
        account: privateKeyToAccount(HARDHAT_TEST_ACCOUNT_3),
      })
      const status = await client.readContract({
        address: chain.registry,
        abi: checkpointRegistryAbi,
        functionName: 'logStatus',
        args: [fixture().logId],
      })
      assert.notEqual(status, COMPROMISED, 'nothing was sent')
    }
  })

  test('an index that holds another leaf: broken (DifferentLeaf), proven on both chains with --report; the Lantern is dark', async () => {
    const honest = await anchoredDecision()
    // The operator signed a receipt for another MTL at the same index and trace.
    const receipt = forged({
      seq: honest.seq,
      traceId: honest.trace_id,
      timestamp: honest.receipt.timestamp,
    })
    const keyFile = join(dir, 'reporter.key')
    writeFileSync(keyFile, `${HARDHAT_TEST_ACCOUNT_3}\n`, { mode: 0o600 })
    const run = await check(receipt, ['--report', '--key-file', keyFile])
    assert.equal(run.code, 1, run.stderr())
    assert.match(
      run.stdout(),
      /^broken: the anchored tree of epoch \d+ holds leaf 0x[0-9a-f]{64} at index \d+, not 0x/,
    )
    assert.match(run.stdout(), /proof \(DifferentLeaf\), CheckpointRegistry\.reportBrokenPromise:/)
    assert.match(run.stdout(), /chain 31337: submitted tx 0x[0-9a-f]{64}/)
    assert.match(run.stdout(), /chain 31338: submitted tx 0x[0-9a-f]{64}/)
    for (const { chain, client } of clients()) {
      const status = await client.readContract({
        address: chain.registry,
        abi: checkpointRegistryAbi,
        functionName: 'logStatus',
        args: [fixture().logId],
      })
      assert.equal(status, COMPROMISED, chain.name)
      const [lit, reason] = await client.readContract({
        address: chain.lantern,
        abi: lanternRegistryAbi,
        functionName: 'lanternStatus',
        args: [operator],
      })
      assert.deepEqual([lit, reason], [false, LOG_EQUIVOCATED], chain.name)
    }
    // The honest receipt's bundle no longer counts: the log is proven compromised.
    const out = join(dir, 'after.proof.json')
    const after = await check(honest, ['--out', out])
    assert.equal(after.code, 1)
    assert.match(
      after.stdout(),
      /^broken: leaf \d+ is in the anchored checkpoint of epoch \d+, but the log is proven compromised/,
    )
    assert.ok(!existsSync(out))
  })
})
