// tml monitor --mirror-dir: a log whose tree is not a prefix of a later one is proven on chain
// (reportInconsistency) from the leaves the monitor mirrored. A real gateway anchors tree A on two
// EDR chains; the monitor mirrors A's leaf hashes from the entries route. Then the operator (a
// "gateway" in front of the real one) serves epoch E+1 over a larger tree B that changed a leaf of
// A, signed with the log's checkpoint key, with B's entries and a consistency proof that cannot
// hold. The monitor finds the leaf, proves it in both trees and submits the proof on both chains:
// the log is compromised and its operator's Lantern dark. A gateway whose entries do not give
// its signed root is reported and nothing is submitted; without a mirror the finding stays
// evidence only. The evidence file of a proven finding carries the submitted leaf and proofs, so
// that it proves the fork offline (core's verifyForkEvidence, tml verify --fork-evidence).
import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  checkpointRegistryAbi,
  type ForkEvidence,
  type Hex,
  hexToBytes,
  lanternRegistryAbi,
  rootFromLeafHashes,
  signCheckpoint,
  verifyForkEvidence,
} from '@tml/core'
import { createPublicClient, decodeFunctionData, http } from 'viem'
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
import { DEV_KEYS } from '../e2e/localChains.ts'
import { API_TOKEN, auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { type PageCheckpoint, startFakeGateway } from './fakeGateway.ts'
import { verifyEvidenceFile } from './verifyEvidenceFile.ts'

/** Hardhat's well-known test account #3: funded on every local node, never a real key. */
const HARDHAT_TEST_ACCOUNT_3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'
const reporter = privateKeyToAccount(HARDHAT_TEST_ACCOUNT_3)
const operator = privateKeyToAccount(DEV_KEYS.operator).address
const LOG_EQUIVOCATED = 5
const ACTIVE = 1
const COMPROMISED = 3
const DIFFERENT_LEAVES = 3

function capture(env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env },
    stderr: () => err.join(''),
    findings: (): Finding[] =>
      out
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Finding),
  }
}

type Served = { seq: number; leaf_hash: Hex }

describe('tml monitor --mirror-dir: an inconsistent log proven on both chains', () => {
  let gw: AnchoredGateway | undefined
  let url = ''
  let deployments = ''
  /** Tree A: the real log, anchored on both chains at epoch `epoch`. */
  let tree: { epoch: bigint; size: number; leaves: Hex[] } | undefined
  const fixture = useChains({
    started: async (f) => {
      gw = await startAnchoredGateway(f)
      await gw.app.listen({ host: '127.0.0.1', port: 0 })
      url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
      deployments = writeDeployments(f)
      tree = await settledTree(f)
    },
    stopping: async () => {
      await gw?.close()
    },
  })
  const clients = (f: Fixture) =>
    f.chains.map((c) => ({ chain: c, client: createPublicClient({ transport: http(c.nodeUrl) }) }))
  const statuses = (f: Fixture) =>
    Promise.all(
      clients(f).map(({ chain, client }) =>
        client.readContract({
          address: chain.registry,
          abi: checkpointRegistryAbi,
          functionName: 'logStatus',
          args: [f.logId],
        }),
      ),
    )

  /**
   * Logs a few decisions, then waits until both chains anchored the tree of all of them (no
   * decision follows: the log stays idle for its 60 s maximum epoch interval). Returns it.
   */
  async function settledTree(f: Fixture) {
    let posted = 0
    for (; posted < 5; posted++) await postDecision(gw as AnchoredGateway, SMALLEST)
    const epoch = await eventually(
      async () => {
        const heads = await Promise.all(
          clients(f).map(({ chain, client }) =>
            client.readContract({
              address: chain.registry,
              abi: checkpointRegistryAbi,
              functionName: 'head',
              args: [f.logId],
            }),
          ),
        )
        return heads.every(([e, , size]) => size === BigInt(posted) && e === heads[0]?.[0])
          ? heads[0]?.[0]
          : undefined
      },
      30_000,
      'the whole tree anchored on both chains',
    )
    const res = await (gw as AnchoredGateway).app.inject({
      url: `/v1/logs/${f.logId}/entries?start=0&end=${posted}`,
      headers: auth,
    })
    const leaves = (res.json() as { entries: Served[] }).entries.map((e) => e.leaf_hash)
    assert.equal(leaves.length, posted)
    return { epoch: epoch as bigint, size: posted, leaves }
  }

  /**
   * The operator's fork: the real checkpoints, then epoch E+1 over tree B (A with leaf 1
   * changed, and three leaves more), signed with the log's key; B's entries; and for B a
   * consistency proof that cannot hold. `entriesOf` changes the leaves it serves.
   */
  async function startFork(entriesOf: (b: Hex[]) => Hex[] = (b) => b) {
    const f = fixture()
    const a = tree as NonNullable<typeof tree>
    const random = () => bytesToHex(crypto.getRandomValues(new Uint8Array(32)))
    const b = [...a.leaves]
    b[1] = random()
    b.push(random(), random(), random())
    const checkpoint = {
      logId: f.logId,
      epoch: a.epoch + 1n,
      treeSize: BigInt(b.length),
      rootHash: bytesToHex(rootFromLeafHashes({ leafHashes: b.map((h) => hexToBytes(h)) })),
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
    }
    const signature = await signCheckpoint({
      checkpoint,
      account: privateKeyToAccount(f.checkpointKey),
    })
    const forged: PageCheckpoint = {
      checkpoint: {
        ...checkpoint,
        epoch: Number(checkpoint.epoch),
        treeSize: b.length,
        timestamp: Number(checkpoint.timestamp),
      },
      signature,
      anchors: [],
    }
    const served = entriesOf(b)
    const gateway = await startFakeGateway({
      upstream: url,
      rewrite: (checkpoints) =>
        checkpoints.length < 1000 ? [...checkpoints, forged] : checkpoints,
      serve: (path) => {
        const query = new URL(path, 'http://x').searchParams
        if (/\/entries\?/.test(path)) {
          const start = Number(query.get('start'))
          const end = Math.min(Number(query.get('end')), served.length)
          return {
            log_id: f.logId,
            entries: served
              .slice(start, end)
              .map((leaf_hash, i) => ({ seq: start + i, leaf_hash, mtl: {}, receipt: {} })),
          }
        }
        if (/\/consistency\?/.test(path) && query.get('to') === String(b.length))
          return { proof: [random()] }
        return undefined
      },
    })
    return { gateway, forgedEpoch: checkpoint.epoch }
  }

  const common = (gateway: string) => [
    '--log',
    `${fixture().logId}=${gateway}`,
    ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.rpcUrl}`]),
    '--deployments',
    deployments,
    '--json',
  ]

  test('--mirror-dir without an API key is a usage error (exit 2)', async () => {
    const run = capture()
    const code = await monitorCommand({
      argv: [...common(url), '--once', '--mirror-dir', tempDir()],
      io: run.io,
    })
    assert.equal(code, 2)
    assert.match(run.stderr(), /--mirror-dir needs an API key .*--api-key KEY or TML_API_KEY/)
  })

  test('adversarial: a gateway whose entries do not reproduce its signed root is reported; nothing is mirrored or submitted', async () => {
    const f = fixture()
    const a = tree as NonNullable<typeof tree>
    const lying = await startFakeGateway({
      upstream: url,
      rewrite: (checkpoints) => checkpoints,
      serve: (path) => {
        if (!/\/entries\?/.test(path)) return undefined
        const start = Number(new URL(path, 'http://x').searchParams.get('start'))
        const leaves = [...a.leaves]
        leaves[0] = bytesToHex(new Uint8Array(32).fill(7))
        return {
          entries: leaves
            .slice(start)
            .map((leaf_hash, i) => ({ seq: start + i, leaf_hash, mtl: {}, receipt: {} })),
        }
      },
    })
    try {
      const dir = tempDir()
      const run = capture({ TML_REPORTER_KEY: HARDHAT_TEST_ACCOUNT_3, TML_API_KEY: API_TOKEN })
      const code = await monitorCommand({
        argv: [...common(lying.url), '--once', '--mirror-dir', dir],
        io: run.io,
      })
      assert.equal(code, 1, run.stderr())
      const findings = run.findings()
      assert.deepEqual(
        findings.map((x) => x.kind),
        ['entries-mismatch'],
        run.stderr(),
      )
      const [finding] = findings as [Finding]
      assert.deepEqual(finding.reports, [])
      assert.deepEqual(finding.epochs, [String(a.epoch)])
      assert.match(
        finding.message,
        new RegExp(`the entries gateway ${lying.url} serves for leaves 0 to ${a.size - 1}`),
      )
      assert.match(finding.message, /not the root 0x[0-9a-f]{64} signed for epoch/)
      assert.equal(statSync(join(dir, `${f.logId}.leaves`)).size, 0)
      assert.deepEqual(await statuses(f), [ACTIVE, ACTIVE])
    } finally {
      await lying.close()
    }
  })

  test('adversarial: without a mirror, an inconsistent tree stays an evidence-only finding that says what would prove it', async () => {
    const f = fixture()
    const { gateway, forgedEpoch } = await startFork()
    try {
      const run = capture({ TML_REPORTER_KEY: HARDHAT_TEST_ACCOUNT_3 })
      const code = await monitorCommand({ argv: [...common(gateway.url), '--once'], io: run.io })
      assert.equal(code, 1, run.stderr())
      const finding = run.findings().find((x) => x.kind === 'inconsistent')
      assert.ok(finding, run.stderr())
      assert.deepEqual(finding.epochs, [String(tree?.epoch), String(forgedEpoch)])
      assert.deepEqual(finding.reports, [])
      assert.equal(finding.evidence?.kind, 'inconsistent')
      // No leaves, so no leaf proofs: the file is an indication only.
      assert.equal(finding.evidence?.differingLeaf, undefined)
      assert.match(finding.message, /not proven on chain: .*--mirror-dir with an API key/)
      assert.ok(!gateway.requests.some((r) => r.includes('/entries')))
      assert.deepEqual(await statuses(f), [ACTIVE, ACTIVE])
    } finally {
      await gateway.close()
    }
  })

  test('adversarial: entries that do not give the newer signed root: said so, nothing submitted', async () => {
    const f = fixture()
    const a = tree as NonNullable<typeof tree>
    const dir = tempDir()
    // The mirror holds A (an honest gateway served it).
    const honest = capture({ TML_API_KEY: API_TOKEN })
    assert.equal(
      await monitorCommand({
        argv: [...common(url), '--once', '--mirror-dir', dir],
        io: honest.io,
      }),
      0,
      honest.stderr(),
    )
    assert.equal(statSync(join(dir, `${f.logId}.leaves`)).size, a.size * 32)
    // B's signed root, but entries that make another tree.
    const { gateway } = await startFork((b) =>
      b.map((h, i) => (i === b.length - 1 ? (a.leaves[0] as Hex) : h)),
    )
    try {
      const run = capture({ TML_REPORTER_KEY: HARDHAT_TEST_ACCOUNT_3, TML_API_KEY: API_TOKEN })
      const code = await monitorCommand({
        argv: [...common(gateway.url), '--once', '--mirror-dir', dir],
        io: run.io,
      })
      assert.equal(code, 1, run.stderr())
      const finding = run.findings().find((x) => x.kind === 'inconsistent')
      assert.ok(finding, run.stderr())
      assert.deepEqual(finding.reports, [])
      assert.equal(finding.evidence?.differingLeaf, undefined)
      assert.match(
        finding.message,
        new RegExp(
          `not proven on chain: the leaves of epoch ${a.epoch + 1n} \\(${a.size + 3} leaves\\) are neither mirrored \\(${a.size} leaves\\) nor served: the entries gateway ${gateway.url} serves give .* not the signed 0x`,
        ),
      )
      assert.deepEqual(await statuses(f), [ACTIVE, ACTIVE])
      // The mirror keeps A; the fetched tree is not left behind.
      assert.equal(statSync(join(dir, `${f.logId}.leaves`)).size, a.size * 32)
      assert.ok(!existsSync(join(dir, `${f.logId}.leaves.tree-${a.size + 3}`)))
    } finally {
      await gateway.close()
    }
  })

  test('behavior: a monitor that sees A and B in its first round, with nothing mirrored, proves the fork from the entries of A’s and B’s gateways', async () => {
    const f = fixture()
    const a = tree as NonNullable<typeof tree>
    const { gateway } = await startFork()
    try {
      const dir = tempDir()
      const evidenceDir = tempDir()
      // No reporter key: the proof is built and kept as evidence, nothing is sent.
      const run = capture({ TML_API_KEY: API_TOKEN })
      const code = await monitorCommand({
        argv: [
          ...common(gateway.url),
          '--log',
          `${f.logId}=${url}`,
          '--once',
          '--mirror-dir',
          dir,
          '--evidence-dir',
          evidenceDir,
        ],
        io: run.io,
      })
      assert.equal(code, 1, run.stderr())
      const finding = run.findings().find((x) => x.kind === 'inconsistent')
      assert.ok(finding, run.stderr())
      assert.match(finding.message, /leaf 1 is 0x[0-9a-f]{8}… in the older tree/)
      const evidence = JSON.parse(
        readFileSync(finding.evidenceFile as string, 'utf8'),
      ) as ForkEvidence
      assert.equal(evidence.differingLeaf?.leafIndex, 1)
      assert.equal(evidence.differingLeaf?.first.leafHash, a.leaves[1])
      const verdict = await verifyForkEvidence({
        evidence,
        signers: [privateKeyToAccount(f.checkpointKey).address],
      })
      assert.deepEqual(verdict.problems, [])
      assert.equal(verdict.proven, true)
      assert.deepEqual(await statuses(f), [ACTIVE, ACTIVE])
    } finally {
      await gateway.close()
    }
  })

  test('behavior: when no gateway serves A’s entries at first, a later round proves the fork and reports it with the leaf', async () => {
    const f = fixture()
    const { gateway } = await startFork()
    // A's gateway, whose entries route fails until `serving`.
    let serving = false
    const flaky = await startFakeGateway({
      upstream: url,
      rewrite: (checkpoints) => checkpoints,
      serve: (path) => (!serving && /\/entries\?/.test(path) ? { entries: 'down' } : undefined),
    })
    const evidenceDir = tempDir()
    const run = capture({ TML_API_KEY: API_TOKEN })
    const stop = new AbortController()
    const exit = monitorCommand({
      argv: [
        ...common(gateway.url),
        '--log',
        `${f.logId}=${flaky.url}`,
        '--interval-ms',
        '200',
        '--mirror-dir',
        tempDir(),
        '--evidence-dir',
        evidenceDir,
      ],
      io: run.io,
      signal: stop.signal,
    })
    try {
      const first = await eventually(
        () => run.findings().find((x) => x.kind === 'inconsistent'),
        30_000,
        'the unproven finding',
      )
      assert.match(first.message, /not proven on chain: the leaves of epoch/)
      assert.match(first.message, /the monitor tries again in later rounds/)
      assert.equal(first.evidence?.differingLeaf, undefined)
      serving = true
      const proven = await eventually(
        () =>
          run
            .findings()
            .find((x) => x.kind === 'inconsistent' && x.evidence?.differingLeaf !== undefined),
        30_000,
        'the finding proven on a later round',
      )
      assert.match(
        proven.message,
        /leaf 1 is 0x[0-9a-f]{8}… in the older tree .*proven on a later try/,
      )
      assert.deepEqual(proven.epochs, first.epochs)
      const evidence = JSON.parse(
        readFileSync(proven.evidenceFile as string, 'utf8'),
      ) as ForkEvidence
      const verdict = await verifyForkEvidence({
        evidence,
        signers: [privateKeyToAccount(f.checkpointKey).address],
      })
      assert.deepEqual(verdict.problems, [])
      assert.equal(verdict.proven, true)
      // Once proven it is not tried again: one unproven finding, one proven.
      stop.abort()
      assert.equal(await exit, 1, run.stderr())
      assert.deepEqual(
        run
          .findings()
          .filter((x) => x.kind === 'inconsistent')
          .map((x) => x.evidence?.differingLeaf !== undefined),
        [false, true],
      )
    } finally {
      stop.abort()
      assert.equal(await exit, 1, run.stderr())
      await gateway.close()
      await flaky.close()
    }
  })

  test('behavior: the monitor mirrors tree A, then proves B inconsistent with it on both chains within 30 s: compromised, Lantern dark', async () => {
    const f = fixture()
    const a = tree as NonNullable<typeof tree>
    let forked: Awaited<ReturnType<typeof startFork>> | undefined
    // One address for the monitor: honest first, the fork once the mirror holds A.
    const front = await startFakeGateway({
      upstream: url,
      rewrite: (checkpoints) => checkpoints,
      serve: async (path) => {
        // The C2SP note is the real one's either way (and not JSON).
        if (forked === undefined || !path.startsWith('/v1/')) return undefined
        const answer = await fetch(`${forked.gateway.url}${path}`, { headers: auth })
        return answer.json()
      },
    })
    const dir = tempDir()
    const evidenceDir = tempDir()
    const mirrorFile = join(dir, `${f.logId}.leaves`)
    const run = capture({ TML_REPORTER_KEY: HARDHAT_TEST_ACCOUNT_3 })
    const stop = new AbortController()
    const exit = monitorCommand({
      argv: [
        ...common(front.url),
        '--interval-ms',
        '300',
        '--mirror-dir',
        dir,
        '--api-key',
        API_TOKEN,
        '--evidence-dir',
        evidenceDir,
      ],
      io: run.io,
      signal: stop.signal,
    })
    try {
      await eventually(
        () =>
          existsSync(mirrorFile) && statSync(mirrorFile).size === a.size * 32 ? true : undefined,
        30_000,
        'tree A mirrored',
      )
      assert.deepEqual(await statuses(f), [ACTIVE, ACTIVE])
      forked = await startFork()
      const started = Date.now()
      await eventually(
        async () => ((await statuses(f)).every((s) => s === COMPROMISED) ? true : undefined),
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
        const events = await client.getContractEvents({
          address: chain.registry,
          abi: checkpointRegistryAbi,
          eventName: 'EquivocationReported',
          args: { logId: f.logId },
          fromBlock: 0n,
        })
        assert.equal(events.length, 1)
        assert.equal(events[0]?.args.reporter, reporter.address)
        assert.equal(events[0]?.args.kind, DIFFERENT_LEAVES)
        assert.deepEqual(
          [events[0]?.args.firstEpoch, events[0]?.args.secondEpoch],
          [a.epoch, forked.forgedEpoch],
        )
      }
      const finding = await eventually(
        () => run.findings().find((x) => x.kind === 'inconsistent'),
        5_000,
        'the finding on stdout',
      )
      assert.deepEqual(
        finding.reports.map((r) => [r.chainId, r.status]).sort(),
        f.chains.map((c) => [c.chainId, 'submitted']).sort(),
      )
      for (const r of finding.reports) assert.match(r.txHash ?? '', /^0x[0-9a-f]{64}$/)
      assert.match(
        finding.message,
        /leaf 1 is 0x[0-9a-f]{8}… in the older tree .*\(reportInconsistency\)/,
      )

      // The evidence file carries the leaf and both proofs submitted on chain, and proves the
      // fork offline, trusting nobody but the log's key.
      const evidence = JSON.parse(
        readFileSync(finding.evidenceFile as string, 'utf8'),
      ) as ForkEvidence
      assert.deepEqual(finding.evidence, evidence)
      const leaf = evidence.differingLeaf
      assert.ok(leaf, 'the evidence has the differing leaf')
      assert.equal(leaf.leafIndex, 1)
      assert.equal(leaf.first.leafHash, a.leaves[1])
      assert.notEqual(leaf.second.leafHash, a.leaves[1])
      for (const { chain, client } of clients(f)) {
        const r = finding.reports.find((x) => x.chainId === chain.chainId)
        const tx = await client.getTransaction({ hash: r?.txHash as Hex })
        const call = decodeFunctionData({ abi: checkpointRegistryAbi, data: tx.input })
        assert.equal(call.functionName, 'reportInconsistency')
        const [, , leafIndex, inFirst, inSecond] = call.args as readonly [
          unknown,
          unknown,
          bigint,
          { leafHash: Hex; proof: readonly Hex[] },
          { leafHash: Hex; proof: readonly Hex[] },
        ]
        assert.equal(leafIndex, BigInt(leaf.leafIndex), chain.name)
        for (const [sent, kept] of [
          [inFirst, leaf.first],
          [inSecond, leaf.second],
        ] as const)
          assert.deepEqual({ leafHash: sent.leafHash, proof: [...sent.proof] }, kept, chain.name)
      }
      const signer = privateKeyToAccount(f.checkpointKey).address
      const verdict = await verifyForkEvidence({ evidence, signers: [signer] })
      assert.deepEqual(verdict.problems, [])
      assert.equal(verdict.proven, true)
      assert.equal(verdict.strength, 'proof')
      const cli = await verifyEvidenceFile(finding.evidenceFile as string, signer)
      assert.equal(cli.code, 0, cli.printed)
      assert.match(cli.printed, /leaf 1 is 0x[0-9a-f]{64} in the tree of epoch/)
      assert.match(cli.printed, /the smaller tree is not a prefix of the larger/)

      // The mirror never followed B, and the fetched tree is not left behind.
      assert.equal(statSync(mirrorFile).size, a.size * 32)
      assert.ok(!existsSync(`${mirrorFile}.tree-${a.size + 3}`))
    } finally {
      stop.abort()
      assert.equal(await exit, 1, run.stderr())
      await forked?.gateway.close()
      await front.close()
    }
  })
})
