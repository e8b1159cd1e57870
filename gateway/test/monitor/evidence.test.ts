// tml monitor --evidence-dir against a really forked log: two EDR chains anchor a real gateway's
// checkpoints; a "gateway" in front of it shows the monitor another tree for an anchored epoch,
// signed with the log's checkpoint key. The monitor writes the fork's evidence (the chain's
// signed checkpoint and the forked one), which core's verifyForkEvidence checks offline against
// the signer the chains hold; a tampered evidence file does not pass. A gateway serving a
// consistency proof that does not link its own signed trees gives `inconsistent` evidence (an
// indication, not a proof); before, that finding was never reported at all.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  checkpointRegistryAbi,
  type ForkEvidence,
  type Hex,
  signCheckpoint,
  verifyForkEvidence,
} from '@tml/core'
import { type Address, createPublicClient, http } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { monitorCommand } from '../../src/cli/monitorCommand.ts'
import type { Finding } from '../../src/monitor/Finding.ts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from '../e2e/anchoredGateway.ts'
import { SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { startFakeGateway } from './fakeGateway.ts'
import { verifyEvidenceFile } from './verifyEvidenceFile.ts'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {} },
    stderr: () => err.join(''),
    findings: (): Finding[] =>
      out
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Finding),
  }
}

describe('tml monitor --evidence-dir: a fork’s evidence, checked offline', () => {
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
  /** Logs decisions until both chains anchored at least `epoch`; returns the lower head. */
  const anchoredOnBoth = async (epoch: bigint) => {
    const f = fixture()
    return eventually(
      async () => {
        await postDecision(gw as AnchoredGateway, SMALLEST)
        const heads = await Promise.all(
          f.chains.map(async (c) => {
            const [head] = await createPublicClient({ transport: http(c.nodeUrl) }).readContract({
              address: c.registry,
              abi: checkpointRegistryAbi,
              functionName: 'head',
              args: [f.logId],
            })
            return head
          }),
        )
        const low = heads.reduce((a, b) => (a < b ? a : b))
        return low >= epoch ? low : undefined
      },
      30_000,
      `epoch ${epoch} anchored on both chains`,
    )
  }
  /** The log's checkpoint signer for `epoch`, as the chains hold it (keysAt). */
  const chainSigner = async (epoch: bigint): Promise<Address> => {
    const f = fixture()
    const signers = await Promise.all(
      f.chains.map(async (c) => {
        const [signer] = await createPublicClient({ transport: http(c.nodeUrl) }).readContract({
          address: c.registry,
          abi: checkpointRegistryAbi,
          functionName: 'keysAt',
          args: [f.logId, epoch],
        })
        return signer
      }),
    )
    assert.equal(new Set(signers).size, 1)
    return signers[0] as Address
  }
  const monitorOnce = async (gateway: string, evidenceDir: string) => {
    const f = fixture()
    const run = capture()
    const code = await monitorCommand({
      argv: [
        '--log',
        `${f.logId}=${gateway}`,
        ...f.chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.rpcUrl}`]),
        '--deployments',
        deployments,
        '--json',
        '--once',
        '--evidence-dir',
        evidenceDir,
      ],
      io: run.io,
    })
    return { code, run }
  }

  test('default: an honest log: no finding, no evidence written', async () => {
    await anchoredOnBoth(2n)
    const dir = tempDir()
    const { code, run } = await monitorOnce(url, dir)
    assert.equal(code, 0, run.stderr())
    assert.deepEqual(readdirSync(dir), [])
  })

  test('behavior: a forked epoch: the evidence file holds both signed checkpoints and proves the fork offline; tampered copies do not', async () => {
    const f = fixture()
    const forked = await anchoredOnBoth(2n)
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
                rootHash: other.rootHash as Hex,
                timestamp: BigInt(other.timestamp),
              },
              account: signer,
            })
            return { ...c, checkpoint: other, signature }
          }),
        ),
    })
    try {
      const dir = tempDir()
      const { code, run } = await monitorOnce(fork.url, dir)
      assert.equal(code, 1, run.stderr())
      const finding = run.findings().find((x) => x.kind === 'same-epoch')
      assert.ok(finding, run.stderr())
      assert.ok(finding.evidenceFile?.startsWith(dir), String(finding.evidenceFile))
      // One file per fork finding (the forked tree is also inconsistent with its neighbours).
      assert.deepEqual(
        readdirSync(dir)
          .map((name) => join(dir, name))
          .sort(),
        run
          .findings()
          .filter((x) => x.evidence !== undefined)
          .map((x) => x.evidenceFile)
          .sort(),
      )
      const evidence = JSON.parse(
        readFileSync(finding.evidenceFile as string, 'utf8'),
      ) as ForkEvidence
      // The same evidence travels in the finding (stdout, webhook).
      assert.deepEqual(finding.evidence, evidence)
      assert.equal(evidence.v, 'tml-fork-evidence/1')
      assert.equal(evidence.kind, 'same-epoch')
      const roots = [evidence.first, evidence.second].map((s) => s.checkpoint.rootHash)
      assert.ok(roots.includes(forkedRoot), roots.join(' '))
      for (const side of [evidence.first, evidence.second]) {
        assert.equal(BigInt(side.checkpoint.epoch), forked)
        assert.match(side.signature ?? '', /^0x[0-9a-f]{130}$/)
      }

      // Offline, with the signer the chains hold for that epoch: proven.
      const trusted = await chainSigner(forked)
      const verdict = await verifyForkEvidence({ evidence, signers: [trusted] })
      assert.deepEqual(verdict.problems, [])
      assert.equal(verdict.proven, true)
      assert.equal(verdict.strength, 'proof')
      assert.equal(verdict.signersTrusted, true)
      assert.match(verdict.summary, /The log signed two checkpoints that cannot both be true/)

      // Tampered: the fork signed by another key.
      const stranger = privateKeyToAccount(generatePrivateKey())
      const other = structuredClone(evidence)
      const forkedSide = other.first.checkpoint.rootHash === forkedRoot ? other.first : other.second
      forkedSide.signature = await signCheckpoint({
        checkpoint: {
          logId: forkedSide.checkpoint.logId,
          epoch: BigInt(forkedSide.checkpoint.epoch),
          treeSize: BigInt(forkedSide.checkpoint.treeSize),
          rootHash: forkedSide.checkpoint.rootHash,
          timestamp: BigInt(forkedSide.checkpoint.timestamp),
        },
        account: stranger,
      })
      const byStranger = await verifyForkEvidence({ evidence: other, signers: [trusted] })
      assert.equal(byStranger.proven, false)
      assert.match(
        byStranger.problems.join('\n'),
        new RegExp(`signed by ${stranger.address}, not by a trusted signer`),
      )

      // Tampered: the "fork" made to agree with the anchored root: its signature no longer
      // recovers the log's key, and nothing contradicts.
      const agreeing = structuredClone(evidence)
      const [a, b] = [agreeing.first, agreeing.second]
      b.checkpoint.rootHash = a.checkpoint.rootHash
      const mended = await verifyForkEvidence({ evidence: agreeing, signers: [trusted] })
      assert.equal(mended.proven, false)
      assert.match(
        mended.problems.join('\n'),
        /same-epoch needs one epoch with two different trees/,
      )

      // The same check from the command line: tml verify --fork-evidence.
      const cli = await verifyEvidenceFile(finding.evidenceFile as string, trusted)
      assert.equal(cli.code, 0, cli.printed)
      assert.match(cli.printed, /The log signed two checkpoints that cannot both be true/)
      const tamperedFile = join(tempDir(), 'tampered.json')
      writeFileSync(tamperedFile, JSON.stringify(other))
      const tampered = await verifyEvidenceFile(tamperedFile, trusted)
      assert.equal(tampered.code, 1)
      assert.match(tampered.printed, /problem: .* not by a trusted signer/)

      // Without trusted signers the signers are reported, for the reader to compare.
      const unpinned = await verifyForkEvidence({ evidence })
      assert.equal(unpinned.signersTrusted, undefined)
      assert.deepEqual(unpinned.signers, [trusted, trusted])
    } finally {
      await fork.close()
    }
  })
  test('behavior: a gateway whose consistency proof does not link two of its signed trees: evidence of kind inconsistent, an indication only', async () => {
    const f = fixture()
    await anchoredOnBoth(3n)
    // Every proof it serves has its first hash changed.
    const lying = await startFakeGateway({
      upstream: url,
      rewrite: (checkpoints) => checkpoints,
      rewriteProof: (proof) =>
        proof.map((h, i) =>
          i === 0 ? `0x${h.slice(2, 4) === 'ff' ? '00' : 'ff'}${h.slice(4)}` : h,
        ),
    })
    try {
      const dir = tempDir()
      const { code, run } = await monitorOnce(lying.url, dir)
      assert.equal(code, 1, run.stderr())
      const findings = run.findings().filter((x) => x.kind === 'inconsistent')
      assert.ok(findings.length > 0, run.stderr())
      for (const finding of findings) {
        const evidence = JSON.parse(
          readFileSync(finding.evidenceFile as string, 'utf8'),
        ) as ForkEvidence
        assert.equal(evidence.kind, 'inconsistent')
        assert.ok(
          BigInt(evidence.first.checkpoint.treeSize) < BigInt(evidence.second.checkpoint.treeSize),
        )
        assert.ok((evidence.consistencyProof ?? []).length > 0)
        const verdict = await verifyForkEvidence({
          evidence,
          signers: [privateKeyToAccount(f.checkpointKey).address],
        })
        assert.deepEqual(verdict.problems, [])
        assert.equal(verdict.strength, 'indication')
        assert.equal(verdict.proven, false)
      }
    } finally {
      await lying.close()
    }
  })
})
