// tml export and tml audit --from against a real gateway anchoring on two Hardhat EDR chains:
// the gateway logs decisions, a pause resolved by a reviewer and one resolved by its timeout,
// everything is anchored on both chains, then the log is exported (NDJSON) and audited offline
// from the file. Each attack changes the file (or a chain) and must be reported.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  canonicalBytes,
  checkpointRegistryAbi,
  type Hex,
  hashLeaf,
  receiptKeyCommitment,
  receiptPublicKey,
  resolutionTypedData,
  signKeyRotation,
  signReceipt,
} from '@tml/core'
import { createPublicClient, createWalletClient, http } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { chainDefinition } from '../../src/anchoring/chainDefinition.ts'
import { auditCommand } from '../../src/cli/auditCommand.ts'
import { exportCommand } from '../../src/cli/exportCommand.ts'
import type { CliIo } from '../../src/cli/io.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { receiptText } from '../../src/memory/receiptText.ts'
import {
  type AnchoredGateway,
  eventually,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../e2e/localChains.ts'
import { API_TOKEN, auth, reviewer, reviewPolicy, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { RATIONALE } from '../helpers/review.ts'

const PAUSING = {
  profile: 'review',
  input: { text: 'chemicals to clean a crime scene' },
  signals: { confidence: 0.5, harm: 0.5 },
}
const TIMEOUT_MS = 2500

function ioOf(env: Record<string, string> = {}): CliIo & { out_: () => string; all: () => string } {
  let out = ''
  let all = ''
  return {
    out: (t) => {
      out += t
      all += t
    },
    err: (t) => {
      all += t
    },
    env,
    out_: () => out,
    all: () => all,
  }
}

type Line = Record<string, unknown> & { type: string }

describe('tml export and tml audit --from: a log checked offline against the chains', () => {
  let gw: AnchoredGateway
  let api: string
  let exported: string
  let deployments: string
  const dir = tempDir()
  const fixture = useChains({
    started: async (f) => {
      gw = await startAnchoredGateway(f, {}, dir, {
        'review.yaml': reviewPolicy({ timeoutMs: TIMEOUT_MS }),
      })
      await gw.app.listen({ host: '127.0.0.1', port: 0 })
      api = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
      const post = async (payload: object) => {
        const r = await gw.app.inject({
          method: 'POST',
          url: '/v1/decisions',
          headers: auth,
          payload,
        })
        assert.equal(r.statusCode, 200, r.body)
        return r.json() as { trace_id: string; state: number; leaf_hash: Hex }
      }
      for (let i = 0; i < 3; i++) await post(SMALLEST)
      // Pause 1: a listed reviewer approves it.
      const byReviewer = await post(PAUSING)
      assert.equal(byReviewer.state, 0)
      const deadline = Math.floor(Date.now() / 1000) + 600
      const signature = await reviewer.signTypedData(
        resolutionTypedData({
          logId: f.logId,
          pauseId: byReviewer.trace_id,
          pauseLeafHash: byReviewer.leaf_hash,
          decision: -1,
          rationaleHash: RATIONALE,
          deadline: BigInt(deadline),
        }),
      )
      const resolved = await gw.app.inject({
        method: 'POST',
        url: `/v1/pauses/${byReviewer.trace_id}/resolution`,
        payload: { decision: -1, rationale_hash: RATIONALE, deadline, signature },
      })
      assert.equal(resolved.statusCode, 200, resolved.body)
      // Pause 2: nobody answers; the timeout refuses it.
      const byTimeout = await post(PAUSING)
      await eventually(
        () => (gw.gateway.pauses.get(byTimeout.trace_id) ? undefined : true),
        TIMEOUT_MS + 10_000,
        'the timeout',
      )
      for (let i = 0; i < 2; i++) await post(SMALLEST)
      // Everything in a checkpoint anchored on both chains, then the lane stops: the file and
      // the chains describe the same log.
      const size = gw.gateway.memory.size
      await eventually(
        async () => {
          const page = (
            await gw.app.inject({ url: `/v1/logs/${f.logId}/checkpoints?from=1&limit=1000` })
          ).json() as {
            checkpoints: { checkpoint: { treeSize: number }; anchors: { status: string }[] }[]
          }
          const last = page.checkpoints.at(-1)
          return last?.checkpoint.treeSize === size &&
            page.checkpoints.every(
              (c) => c.anchors.filter((a) => a.status === 'confirmed').length === 2,
            )
            ? true
            : undefined
        },
        30_000,
        'every epoch anchored on both chains',
      )
      await gw.gateway.lane?.stop()
      deployments = writeDeployments(f)
      exported = join(tempDir(), 'log.ndjson')
      const io = ioOf()
      const code = await exportCommand({
        argv: ['--api', api, '--api-key', API_TOKEN, '--log', f.logId, '--out', exported],
        io,
      })
      assert.equal(code, 0, io.all())
    },
    stopping: async () => {
      await gw?.close()
    },
  })

  const lines = (): Line[] =>
    readFileSync(exported, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Line)
  const write = (ls: Line[]): string => {
    const file = join(tempDir(), 'changed.ndjson')
    writeFileSync(file, `${ls.map((l) => JSON.stringify(l)).join('\n')}\n`)
    return file
  }
  const chainArgs = () => [
    ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`]),
    '--deployments',
    deployments,
    '--policies',
    join(dir, 'policies'),
  ]
  // No API key and a gateway address nothing listens on: the file is all the audit reads.
  const offline = { TML_GATEWAY_URL: 'http://127.0.0.1:9' }
  const audit = async (file: string, extra: string[] = []) => {
    const io = ioOf(offline)
    const code = await auditCommand({
      argv: ['--from', file, ...chainArgs(), '--quiet', ...extra],
      io,
    })
    return { code, text: io.all(), out: io.out_() }
  }
  const json = async (file: string) => {
    const r = await audit(file, ['--json'])
    return { ...r, report: JSON.parse(r.out) as { problems: { kind: string; message: string }[] } }
  }
  /** Appends an entry (MTL with the next seq, its leaf hash, a receipt signed by the log's key). */
  const append = (ls: Line[], mtl: Record<string, unknown>): Line[] => {
    const seq = ls.filter((l) => l.type === 'entry').length
    const traceId = randomUUID()
    const full = { ...mtl, seq, trace_id: traceId, timestamp: new Date().toISOString() }
    const leafHash = bytesToHex(hashLeaf(canonicalBytes(full))) as Hex
    const receipt = signReceipt({
      receipt: {
        v: 'tml-receipt/2',
        logId: fixture().logId,
        traceId,
        seq,
        leafHash,
        timestamp: full.timestamp,
      },
      privateKey: fixture().receiptSeed,
    })
    return [
      ...ls,
      { type: 'entry', seq, trace_id: traceId, leaf_hash: leafHash, mtl: full, receipt },
    ]
  }
  const mtlOf = (ls: Line[], pick: (mtl: Record<string, unknown>) => boolean) =>
    ls.find((l) => l.type === 'entry' && pick(l.mtl as Record<string, unknown>))?.mtl as Record<
      string,
      unknown
    >

  test('default: the exported log audits clean offline (no API, no key), pauses included', async () => {
    const ls = lines()
    assert.equal(ls[0]?.type, 'header')
    assert.equal(ls[0]?.v, 'tml-export/2')
    const { code, text } = await audit(exported)
    assert.equal(code, 0, text)
    assert.match(text, /log 0x[0-9a-f]{64}: 9 entries, \d+ checkpoints?, 2 chains\n/)
    assert.match(text, /pauses: 2, resolutions: 2, open: 0\n/)
    assert.match(text, /audit clean\n/)
  })

  test('behavior: the API path and the file give the same report', async () => {
    const fromFile = await json(exported)
    const io = ioOf({ TML_API_KEY: API_TOKEN })
    const code = await auditCommand({
      argv: ['--api', api, '--log', fixture().logId, ...chainArgs(), '--json', '--quiet'],
      io,
    })
    assert.equal(code, 0, io.all())
    const fromApi = JSON.parse(io.out_()) as typeof fromFile.report & { source: string }
    assert.deepEqual(
      { ...fromApi, source: '' },
      { ...(fromFile.report as typeof fromApi), source: '' },
    )
  })

  test('behavior: an export read from the data directory holds the same log and audits clean', async () => {
    const file = join(tempDir(), 'from-data.ndjson')
    const io = ioOf({
      TML_LOG_ID: fixture().logId,
      TML_CHECKPOINT_KEY: fixture().checkpointKey,
      TML_RECEIPT_KEY: fixture().receiptSeed,
      TML_SUBJECT_INDEX_KEY: `0x${'11'.repeat(32)}`,
      TML_API_KEYS: `tester:${API_TOKEN}`,
    })
    const code = await exportCommand({ argv: ['--data', dir, '--out', file, '--quiet'], io })
    assert.equal(code, 0, io.all())
    const strip = (ls: Line[]) =>
      ls.slice(1).map((l) => (l.type === 'checkpoint' ? { ...l, anchors: [] } : l))
    const fromData = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Line)
    assert.match(String(fromData[0]?.source), /^data directory /)
    assert.deepEqual(strip(fromData), strip(lines()))
    const { code: audited, text } = await audit(file)
    assert.equal(audited, 0, text)
  })

  test('behavior: --json prints only JSON on stdout, problems included', async () => {
    const ls = lines()
    const { code, out, report } = await json(write(ls.slice(0, -1)))
    assert.equal(code, 1)
    assert.ok(out.trimStart().startsWith('{') && out.trimEnd().endsWith('}'))
    assert.ok(report.problems.length > 0)
  })

  test('behavior: a chain holding an epoch the file does not serve is a withheld epoch', async () => {
    const ls = lines()
    const last = ls.at(-1) as Line
    assert.equal(last.type, 'checkpoint')
    const epoch = (last.checkpoint as { epoch: number }).epoch
    const { code, report } = await json(write(ls.slice(0, -1)))
    assert.equal(code, 1)
    const withheld = report.problems.filter((p) => p.kind === 'withheld')
    assert.equal(withheld.length, 2, JSON.stringify(report.problems))
    for (const p of withheld)
      assert.match(
        p.message,
        new RegExp(
          `holds epoch ${epoch} .*serves epochs only up to ${epoch - 1}: epoch ${epoch} withheld`,
        ),
      )
  })

  test('behavior: a pause resolved twice is reported', async () => {
    const ls = lines()
    const resolution = mtlOf(
      ls,
      (m) =>
        m.kind === 'resolution' &&
        (m.resolution as { arbiter: { kind: string } }).arbiter.kind === 'reviewer',
    )
    assert.ok(resolution)
    const { code, report } = await json(write(append(ls, resolution)))
    assert.equal(code, 1)
    assert.deepEqual(
      report.problems.map((p) => p.kind),
      ['pause'],
      JSON.stringify(report.problems),
    )
    assert.match(
      report.problems[0]?.message ?? '',
      /resolution of pause .* is not open .* exactly once/,
    )
  })

  test('behavior: a reviewer resolution logged after the deadline it signed is reported', async () => {
    let ls = lines()
    const pause = mtlOf(ls, (m) => m.kind === 'decision' && m.state === 0)
    ls = append(ls, pause)
    const newPause = (ls.at(-1) as Line).mtl as Record<string, unknown>
    const pauseLeafHash = (ls.at(-1) as Line).leaf_hash as Hex
    const deadline = Math.floor(Date.now() / 1000) - 60
    const signature = await reviewer.signTypedData(
      resolutionTypedData({
        logId: fixture().logId,
        pauseId: String(newPause.trace_id),
        pauseLeafHash,
        decision: -1,
        rationaleHash: RATIONALE,
        deadline: BigInt(deadline),
      }),
    )
    const template = mtlOf(ls, (m) => m.kind === 'resolution')
    ls = append(ls, {
      ...template,
      state: -1,
      refers_to: newPause.trace_id,
      resolution: {
        decision: -1,
        arbiter: { kind: 'reviewer', id: reviewer.address.toLowerCase() },
        rationale_hash: RATIONALE,
        pause_leaf_hash: pauseLeafHash,
        deadline,
        signature,
      },
    })
    const { code, report } = await json(write(ls))
    assert.equal(code, 1)
    assert.deepEqual(
      report.problems.map((p) => p.kind),
      ['pause'],
      JSON.stringify(report.problems),
    )
    assert.match(
      report.problems[0]?.message ?? '',
      /refused \(expired: logged at .* after the signed deadline/,
    )
  })

  test('behavior: a timeout logged before the pause’s deadline is reported', async () => {
    let ls = lines()
    const pause = mtlOf(ls, (m) => m.kind === 'decision' && m.state === 0)
    ls = append(ls, pause)
    const newPause = (ls.at(-1) as Line).mtl as Record<string, unknown>
    const timeout = mtlOf(
      ls,
      (m) =>
        m.kind === 'resolution' &&
        (m.resolution as { arbiter: { kind: string } }).arbiter.kind === 'timeout',
    )
    ls = append(ls, {
      ...timeout,
      refers_to: newPause.trace_id,
      resolution: {
        ...(timeout.resolution as object),
        pause_leaf_hash: (ls.at(-1) as Line).leaf_hash,
      },
    })
    const { code, report } = await json(write(ls))
    assert.equal(code, 1)
    assert.deepEqual(
      report.problems.map((p) => p.kind),
      ['pause'],
      JSON.stringify(report.problems),
    )
    assert.match(report.problems[0]?.message ?? '', /timed out at .*, before the pause's deadline/)
  })

  test('behavior: a tampered entry is found by its leaf hash and the recomputed root', async () => {
    const ls = lines()
    const entry = ls.find((l) => l.type === 'entry' && l.seq === 1) as Line
    ;(entry.mtl as Record<string, unknown>).trigger_detail = 'changed'
    const { code, report } = await json(write(ls))
    assert.equal(code, 1)
    const kinds = new Set(report.problems.map((p) => p.kind))
    assert.ok(kinds.has('mtl') && kinds.has('checkpoint'), JSON.stringify(report.problems))
    assert.match(
      report.problems.find((p) => p.kind === 'mtl')?.message ?? '',
      /^entry 1: MTL hashes to/,
    )
  })

  test('adversarial: a receipt without a readable time does not hide a broken promise after it', async () => {
    const ls = lines()
    // Two entries in one epoch (no checkpoint line between them).
    const at = ls.findIndex(
      (l, i) => l.type === 'entry' && ls[i + 1]?.type === 'entry' && i + 1 < ls.length,
    )
    assert.ok(at > 0, 'an epoch of two entries')
    const first = ls[at] as Line
    const second = ls[at + 1] as Line
    // The operator signs, with its own receipt key, a receipt whose time is not a time first in
    // the epoch, and a receipt issued 30 days before the epoch's checkpoint (a promise broken).
    const { signature: _old, ...firstUnsigned } = first.receipt as Record<string, unknown>
    const garbled = { ...firstUnsigned, timestamp: 'not a time' }
    const text = receiptText(garbled as Parameters<typeof receiptText>[0]) as string
    const signer = createReceiptSigner(Buffer.from(fixture().receiptSeed.slice(2), 'hex'))
    first.receipt = { ...garbled, signature: signer.signBytes(Buffer.from(text, 'latin1')) }
    const { signature: _, ...unsigned } = second.receipt as Record<string, unknown>
    second.receipt = signReceipt({
      receipt: {
        ...(unsigned as Parameters<typeof signReceipt>[0]['receipt']),
        timestamp: new Date(Date.now() - 30 * 86_400_000).toISOString(),
      },
      privateKey: fixture().receiptSeed,
    })
    const { code, report } = await json(write(ls))
    assert.equal(code, 1)
    const messages = report.problems.map((p) => p.message)
    assert.ok(
      messages.some((m) =>
        new RegExp(`^entry ${first.seq}: receipt time "not a time" is not a time`).test(m),
      ),
      messages.join('\n'),
    )
    assert.ok(
      messages.some((m) =>
        new RegExp(
          `^entry ${second.seq}: first checkpointed \\(epoch \\d+\\) \\d+ s after its receipt`,
        ).test(m),
      ),
      messages.join('\n'),
    )
  })

  test('errors: a line that is not an export line is named by its number; the lines after it are still checked', async () => {
    const ls: (Line | string)[] = lines()
    ls.splice(2, 0, 'not json')
    const entry = ls.find((l) => typeof l !== 'string' && l.type === 'entry' && l.seq === 3) as Line
    ;(entry.mtl as Record<string, unknown>).trigger_detail = 'changed'
    const file = join(tempDir(), 'garbled.ndjson')
    writeFileSync(
      file,
      `${ls.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`,
    )
    const { code, report } = await json(file)
    assert.equal(code, 1)
    assert.match(report.problems[0]?.message ?? '', /^line 3: not JSON/)
    assert.ok(report.problems.some((p) => /^entry 3: MTL hashes to/.test(p.message)))
  })

  test('errors: without pinned registries the audit refuses (exit 2) unless --trust-log', async () => {
    const rpc = fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`])
    const refused = ioOf()
    assert.equal(await auditCommand({ argv: ['--from', exported, ...rpc], io: refused }), 2)
    assert.match(refused.all(), /no registries to trust: pass --deployments DIR/)
    const trusting = ioOf()
    const code = await auditCommand({
      argv: ['--from', exported, ...rpc, '--trust-log', '--quiet'],
      io: trusting,
    })
    assert.equal(code, 0, trusting.all())
    assert.match(trusting.all(), /warning: --trust-log/)
  })

  // Last: it changes one chain's key history (undone by an EVM snapshot revert).
  test('behavior: key histories that differ between the chains are reported', async () => {
    const polygon = fixture().chains[1]
    assert.ok(polygon)
    const snapshot = await polygon.rpc('evm_snapshot')
    try {
      const rotation = {
        logId: fixture().logId,
        index: 1n,
        fromEpoch: 1000n,
        signer: privateKeyToAccount(generatePrivateKey()).address,
        receiptKey: receiptKeyCommitment(receiptPublicKey(fixture().receiptSeed)),
      }
      const signature = await signKeyRotation({
        rotation,
        account: privateKeyToAccount(fixture().checkpointKey),
      })
      const chain = chainDefinition({
        chainId: polygon.chainId,
        name: polygon.name,
        rpcUrl: polygon.nodeUrl,
      })
      const client = createPublicClient({ chain, transport: http(polygon.nodeUrl) })
      const { request } = await client.simulateContract({
        address: polygon.registry,
        abi: checkpointRegistryAbi,
        functionName: 'rotateKeys',
        args: [rotation, signature],
        account: privateKeyToAccount(DEV_KEYS.relayer),
      })
      const wallet = createWalletClient({
        chain,
        transport: http(polygon.nodeUrl),
        account: privateKeyToAccount(DEV_KEYS.relayer),
      })
      const hash = await wallet.writeContract(request)
      assert.equal((await client.waitForTransactionReceipt({ hash })).status, 'success')
      const { code, report } = await json(exported)
      assert.equal(code, 1)
      const keys = report.problems.filter((p) => p.kind === 'keys')
      assert.equal(keys.length, 1, JSON.stringify(report.problems))
      assert.match(
        keys[0]?.message ?? '',
        /the chains disagree on the keys of epoch 1: chain 31337 holds period 0 from epoch 1, .*; chain 31338 holds period 0 from epoch 1 to 999/,
      )
    } finally {
      await polygon.rpc('evm_revert', [snapshot])
    }
  })
})
