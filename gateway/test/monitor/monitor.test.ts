// tml monitor against two real EDR chains and a real gateway (HTTP on 127.0.0.1): an honest log
// gives no finding; a "gateway" that withholds the epoch the chains hold is reported; a forking
// operator (a second checkpoint for an anchored epoch, signed with the log's checkpoint key and
// served to the monitor) is proven on both chains by the monitor's own account, which marks the
// log compromised and darkens the operator's Lantern everywhere.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  checkpointRegistryAbi,
  type Hex,
  lanternRegistryAbi,
  signCheckpoint,
  signReceipt,
} from '@tml/core'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { monitorCommand } from '../../src/cli/monitorCommand.ts'
import type { Finding } from '../../src/monitor/Finding.ts'
import {
  type AnchoredGateway,
  eventually,
  type Fixture,
  postDecision,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS, freePort } from '../e2e/localChains.ts'
import { SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { startFakeGateway } from './fakeGateway.ts'

/** Hardhat's well-known test account #3: funded on every local node, never a real key. */
const HARDHAT_TEST_ACCOUNT_3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'
const reporter = privateKeyToAccount(HARDHAT_TEST_ACCOUNT_3)
const operator = privateKeyToAccount(DEV_KEYS.operator).address
const LOG_EQUIVOCATED = 5
const COMPROMISED = 3
const BROKEN_PROMISE = 7

function capture(env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    findings: (): Finding[] =>
      out
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Finding),
  }
}

describe('tml monitor: two EDR chains and a real gateway', () => {
  let gw: AnchoredGateway | undefined
  let url = ''
  let deployments = ''
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
  const clients = (f: Fixture) =>
    f.chains.map((c) => ({
      chain: c,
      client: createPublicClient({ transport: http(c.nodeUrl) }),
    }))
  const heads = async (f: Fixture) =>
    Promise.all(
      clients(f).map(async ({ chain, client }) => {
        const [epoch] = await client.readContract({
          address: chain.registry,
          abi: checkpointRegistryAbi,
          functionName: 'head',
          args: [f.logId],
        })
        return epoch
      }),
    )
  /** Logs decisions until both chains anchored at least `epoch`; returns the lower head. */
  const anchoredOnBoth = async (epoch: bigint) => {
    const f = fixture()
    return eventually(
      async () => {
        await postDecision(gw as AnchoredGateway, SMALLEST)
        const h = await heads(f)
        const low = h.reduce((a, b) => (a < b ? a : b))
        return low >= epoch ? low : undefined
      },
      30_000,
      `epoch ${epoch} anchored on both chains`,
    )
  }
  const common = (gateway: string) => [
    '--log',
    `${fixture().logId}=${gateway}`,
    ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.rpcUrl}`]),
    '--deployments',
    deployments,
    '--json',
  ]

  test('an honest log: one round over both chains and the gateway finds nothing (exit 0)', async () => {
    await anchoredOnBoth(3n)
    const run = capture()
    const code = await monitorCommand({ argv: [...common(url), '--once'], io: run.io })
    assert.equal(code, 0, run.stderr() + run.stdout())
    assert.deepEqual(run.findings(), [])
  })

  test('a gateway that withholds the epoch the chains hold is reported (exit 1)', async () => {
    const held = await anchoredOnBoth(3n)
    const withholding = await startFakeGateway({
      upstream: url,
      rewrite: (checkpoints) => checkpoints.filter((c) => BigInt(c.checkpoint.epoch) < held),
    })
    try {
      const run = capture()
      const code = await monitorCommand({
        argv: [...common(withholding.url), '--once'],
        io: run.io,
      })
      assert.equal(code, 1, run.stderr())
      const findings = run.findings()
      assert.ok(findings.length > 0)
      for (const f of findings) assert.equal(f.kind, 'withheld-epoch', f.message)
      const withheld = findings.find((f) => f.epochs.includes(String(held)))
      assert.ok(withheld, `epoch ${held} reported: ${run.stdout()}`)
      assert.match(
        withheld.message,
        new RegExp(`does not serve \\(it serves up to epoch ${held - 1n}\\)`),
      )
      assert.deepEqual(withheld.reports, [])
    } finally {
      await withholding.close()
    }
  })

  test('a forking operator is proven on both chains within 30 s: the log is compromised, its Lantern dark; findings reach stdout, the webhook and the metrics', async () => {
    const f = fixture()
    const forked = await anchoredOnBoth(2n)
    // The operator shows the monitor another tree for an epoch both chains anchored, signed with
    // the log's checkpoint key.
    const signer = privateKeyToAccount(f.checkpointKey)
    const forkedRoot = bytesToHex(crypto.getRandomValues(new Uint8Array(32)))
    const fork = await startFakeGateway({
      upstream: url,
      rewrite: async (checkpoints) =>
        Promise.all(
          checkpoints.map(async (c) => {
            if (BigInt(c.checkpoint.epoch) !== forked) return c
            const other = { ...c.checkpoint, rootHash: forkedRoot }
            const signature = await signCheckpoint({
              checkpoint: {
                logId: other.logId as Hex,
                epoch: BigInt(other.epoch),
                treeSize: BigInt(other.treeSize),
                rootHash: other.rootHash,
                timestamp: BigInt(other.timestamp),
              },
              account: signer,
            })
            return { ...c, checkpoint: other, signature }
          }),
        ),
    })
    const hooked: Finding[] = []
    const webhook: Server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        hooked.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Finding)
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve))
    const metricsPort = await freePort()
    const run = capture({ TML_REPORTER_KEY: HARDHAT_TEST_ACCOUNT_3 })
    const stop = new AbortController()
    const started = Date.now()
    const exit = monitorCommand({
      argv: [
        ...common(fork.url),
        '--interval-ms',
        '500',
        '--metrics-port',
        String(metricsPort),
        '--webhook',
        `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`,
      ],
      io: run.io,
      signal: stop.signal,
    })
    try {
      await eventually(
        async () => {
          const statuses = await Promise.all(
            clients(f).map(({ chain, client }) =>
              client.readContract({
                address: chain.registry,
                abi: checkpointRegistryAbi,
                functionName: 'logStatus',
                args: [f.logId],
              }),
            ),
          )
          return statuses.every((s) => s === COMPROMISED) ? true : undefined
        },
        30_000,
        'the log compromised on both chains',
      )
      assert.ok(Date.now() - started < 30_000)
      for (const { chain, client } of clients(f)) {
        const [lit, reason, darkLog] = await client.readContract({
          address: chain.lantern,
          abi: lanternRegistryAbi,
          functionName: 'lanternStatus',
          args: [operator],
        })
        assert.deepEqual([lit, reason, darkLog], [false, LOG_EQUIVOCATED, f.logId], chain.name)
        // The proof came from the monitor's account.
        const events = await client.getContractEvents({
          address: chain.registry,
          abi: checkpointRegistryAbi,
          eventName: 'EquivocationReported',
          args: { logId: f.logId },
          fromBlock: 0n,
        })
        assert.equal(events.length, 1)
        assert.equal(events[0]?.args.reporter, reporter.address)
        assert.deepEqual(
          [events[0]?.args.firstEpoch, events[0]?.args.secondEpoch],
          [forked, forked],
        )
      }
      const finding = await eventually(
        () => run.findings().find((x) => x.kind === 'same-epoch'),
        5_000,
        'the finding on stdout',
      )
      assert.deepEqual(finding.epochs, [String(forked), String(forked)])
      assert.deepEqual(
        finding.reports.map((r) => [r.chainId, r.status]).sort(),
        f.chains.map((c) => [c.chainId, 'submitted']).sort(),
      )
      assert.ok(finding.sources.includes(`gateway:${fork.url}`))
      await eventually(
        () => (hooked.some((h) => h.kind === 'same-epoch') ? true : undefined),
        5_000,
        'the webhook',
      )
      // Read once the round that found the fork has ended.
      const text = await eventually(
        async () => {
          const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
          assert.equal(metrics.status, 200)
          assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
          const body = await metrics.text()
          return /^tml_monitor_rounds_total [1-9]\d*$/m.test(body) ? body : undefined
        },
        10_000,
        'a round counted in the metrics',
      )
      assert.match(text, /^tml_monitor_findings_total\{kind="same-epoch"\} 1$/m)
      for (const c of f.chains)
        assert.match(
          text,
          new RegExp(
            `^tml_monitor_reports_total\\{chain_id="${c.chainId}",status="submitted"\\} 1$`,
            'm',
          ),
        )
    } finally {
      stop.abort()
      assert.equal(await exit, 1, run.stderr())
      webhook.closeAllConnections()
      await new Promise<void>((resolve) => webhook.close(() => resolve()))
      await fork.close()
    }
  })
})

describe('tml monitor --receipt: a broken promise is proven on both chains', () => {
  let gw: AnchoredGateway | undefined
  let url = ''
  let deployments = ''
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

  test('a receipt whose leaf was never logged, two intervals ago: reportBrokenPromise (MissedDeadline) from the monitor, exit 1', async () => {
    const f = fixture()
    const answer = await postDecision<{ trace_id: string }>(gw as AnchoredGateway, SMALLEST)
    await eventually(
      async () => {
        const r = await fetch(`${url}/v1/traces/${answer.trace_id}/proof`)
        const body = r.status === 200 ? ((await r.json()) as { anchors: unknown[] }) : undefined
        return body?.anchors.length === 2 ? true : undefined
      },
      30_000,
      'a checkpoint anchored on both chains',
    )
    // The operator signed this receipt (its receipt key) and never logged the leaf.
    const receipt = signReceipt({
      receipt: {
        v: 'tml-receipt/2',
        logId: f.logId,
        traceId: randomUUID(),
        seq: 1_000_000,
        leafHash: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
        timestamp: new Date(Date.now() - 2 * 3600 * 1000).toISOString(),
      },
      privateKey: f.receiptSeed,
    })
    const file = join(tempDir(), 'receipt.json')
    writeFileSync(file, JSON.stringify(receipt))
    const run = capture({ TML_REPORTER_KEY: HARDHAT_TEST_ACCOUNT_3 })
    const code = await monitorCommand({
      argv: [
        '--log',
        `${f.logId}=${url}`,
        '--receipt',
        file,
        ...f.chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.rpcUrl}`]),
        '--deployments',
        deployments,
        '--once',
      ],
      io: run.io,
    })
    assert.equal(code, 1, run.stderr())
    assert.match(
      run.stdout(),
      new RegExp(
        `^FINDING broken-promise log ${f.logId} epoch \\d+: receipt ${receipt.traceId} \\(leaf 1000000\\): the deadline .* has passed`,
      ),
    )
    for (const c of f.chains)
      assert.match(
        run.stdout(),
        new RegExp(`\\n  chain ${c.chainId}: submitted tx 0x[0-9a-f]{64} block \\d+\\n`),
      )
    for (const c of f.chains) {
      const client = createPublicClient({ transport: http(c.nodeUrl) })
      const [status, events] = await Promise.all([
        client.readContract({
          address: c.registry,
          abi: checkpointRegistryAbi,
          functionName: 'logStatus',
          args: [f.logId],
        }),
        client.getContractEvents({
          address: c.registry,
          abi: checkpointRegistryAbi,
          eventName: 'EquivocationReported',
          args: { logId: f.logId },
          fromBlock: 0n,
        }),
      ])
      assert.equal(status, COMPROMISED)
      assert.equal(events[0]?.args.kind, BROKEN_PROMISE)
      assert.equal(events[0]?.args.reporter, reporter.address)
      assert.equal(events[0]?.args.secondEpoch, 1_000_000n)
    }
  })
})
