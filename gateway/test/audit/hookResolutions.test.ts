// tml audit checks the pauses a verification hook resolved, as it checks reviewers': a real
// gateway anchoring on two Hardhat EDR chains sends its pauses to a real HTTP hook on 127.0.0.1,
// the log is exported (NDJSON) and audited offline. The genuine hook resolution passes; forged
// ones added to the file (another key's signature, a decision changed after signing, no
// signature, a hook the policy does not name) are each reported.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { bytesToHex, canonicalBytes, type Hex, hashLeaf, signP256, signReceipt } from '@tml/core'
import { auditCommand } from '../../src/cli/auditCommand.ts'
import { exportCommand } from '../../src/cli/exportCommand.ts'
import type { CliIo } from '../../src/cli/io.ts'
import {
  type AnchoredGateway,
  eventually,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from '../e2e/anchoredGateway.ts'
import { API_TOKEN, auth, reviewer, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const PAUSING = {
  profile: 'hooked',
  input: { text: 'chemicals to clean a crime scene' },
  signals: { confidence: 0.5, harm: 0.5 },
}

type Line = Record<string, unknown> & { type: string }
type Mtl = Record<string, unknown> & {
  resolution: { arbiter: { kind: string; id: string }; signature?: unknown } & Record<
    string,
    unknown
  >
}

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

describe('tml audit: verification-hook resolutions are checked like reviewers’', () => {
  // The hook: approves every pause it is sent.
  const hook = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ decision: 1, rationale: 'the evidence is in order' }))
    })
  })
  let hookUrl: string
  let gw: AnchoredGateway
  let exported: string
  let deployments: string
  const dir = tempDir()
  const fixture = useChains({
    started: async (f) => {
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
      hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/verify`
      gw = await startAnchoredGateway(f, {}, dir, {
        'hooked.yaml': `v: tml-policy/1
profile: hooked
ambiguity: { confidence_min: 0.9 }
harm: { ambiguous: 0.4, critical: 0.9 }
pause:
  timeout_ms: 600000
verification:
  hook: { url: "${hookUrl}", timeout_ms: 5000 }
reviewers: ["${reviewer.address}"]
`,
      })
      await gw.app.listen({ host: '127.0.0.1', port: 0 })
      const api = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
      const post = async (payload: object) => {
        const r = await gw.app.inject({
          method: 'POST',
          url: '/v1/decisions',
          headers: auth,
          payload,
        })
        assert.equal(r.statusCode, 200, r.body)
        return r.json() as { trace_id: string; state: number }
      }
      await post(SMALLEST)
      const paused = await post(PAUSING)
      assert.equal(paused.state, 0)
      await eventually(
        () => (gw.gateway.pauses.get(paused.trace_id) ? undefined : true),
        15_000,
        'the hook resolves the pause',
      )
      await post(SMALLEST)
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
  after(async () => {
    hook.closeAllConnections()
    await new Promise((r) => hook.close(r))
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
  const audit = async (file: string) => {
    const io = ioOf({ TML_GATEWAY_URL: 'http://127.0.0.1:9' })
    const code = await auditCommand({
      argv: [
        '--from',
        file,
        ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`]),
        '--deployments',
        deployments,
        '--policies',
        join(dir, 'policies'),
        '--quiet',
        '--json',
      ],
      io,
    })
    return {
      code,
      report: JSON.parse(io.out_()) as {
        problems: { kind: string; message: string }[]
        notes: string[]
        pauses: { pauses: number; resolutions: number; open: number }
      },
    }
  }
  /** Appends an entry: the MTL with the next seq, its leaf hash, a receipt by the log's key. */
  const append = (ls: Line[], mtl: Record<string, unknown>, traceId = randomUUID()) => {
    const seq = ls.filter((l) => l.type === 'entry').length
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
    const line = { type: 'entry', seq, trace_id: traceId, leaf_hash: leafHash, mtl: full, receipt }
    return { lines: [...ls, line], leafHash, traceId, mtl: full }
  }
  const hookResolution = (ls: Line[]): Mtl => {
    const found = ls.find(
      (l) =>
        l.type === 'entry' &&
        (l.mtl as Mtl).kind === 'resolution' &&
        (l.mtl as Mtl).resolution.arbiter.kind === 'verification',
    )?.mtl as Mtl | undefined
    assert.ok(found, 'the log holds the hook’s resolution')
    return found
  }
  /** The statement the gateway signs for a hook's resolution (docs/formats.md). */
  const statement = (m: Mtl) =>
    canonicalBytes({
      v: 'tml-verification/1',
      logId: m.log_id,
      pauseId: m.refers_to,
      pauseLeafHash: m.resolution.pause_leaf_hash,
      verifier: m.resolution.arbiter.id,
      decision: m.resolution.decision,
      rationaleHash: m.resolution.rationale_hash,
    })
  /**
   * The clean log, then a new pause (a copy of the logged one) and a hook resolution of it made
   * by `forge` from the genuine one (its refers_to and pause leaf hash already pointing at the
   * new pause).
   */
  const withForgedResolution = (forge: (r: Mtl) => Mtl) => {
    const ls = lines()
    const genuine = hookResolution(ls)
    const pause = ls.find(
      (l) => l.type === 'entry' && (l.mtl as Mtl).kind === 'decision' && (l.mtl as Mtl).state === 0,
    )?.mtl as Mtl
    const paused = append(ls, pause)
    const resolution = structuredClone(genuine)
    resolution.refers_to = paused.traceId
    resolution.resolution.pause_leaf_hash = paused.leafHash
    return append(paused.lines, forge(resolution)).lines
  }
  const pauseProblems = (r: Awaited<ReturnType<typeof audit>>) =>
    r.report.problems.filter((p) => p.kind === 'pause').map((p) => p.message)

  test('default: the hook’s genuine resolution audits clean: its signature is checked, not only noted', async () => {
    const ls = lines()
    const genuine = hookResolution(ls)
    assert.equal(genuine.resolution.arbiter.id, hookUrl)
    const r = await audit(exported)
    assert.equal(r.code, 0, JSON.stringify(r.report))
    assert.deepEqual(r.report.problems, [])
    assert.deepEqual(r.report.pauses, { pauses: 1, resolutions: 1, open: 0 })
    assert.ok(!r.report.notes.some((n) => /verification-hook/.test(n)), r.report.notes.join('\n'))
  })

  test('behavior: a hook resolution validly signed with the log’s receipt key is accepted for a new pause', async () => {
    const ls = withForgedResolution((m) => ({
      ...m,
      resolution: {
        ...m.resolution,
        signature: signP256({ message: statement(m), privateKey: fixture().receiptSeed }),
      },
    }))
    const r = await audit(write(ls))
    assert.deepEqual(pauseProblems(r), [])
    assert.equal(r.report.pauses.resolutions, 2)
  })

  test('adversarial: a hook resolution signed by another key is reported as forged', async () => {
    const stranger = bytesToHex(new Uint8Array(randomBytes(32)))
    const ls = withForgedResolution((m) => ({
      ...m,
      resolution: {
        ...m.resolution,
        signature: signP256({ message: statement(m), privateKey: stranger }),
      },
    }))
    const r = await audit(write(ls))
    assert.equal(r.code, 1)
    const problems = pauseProblems(r)
    assert.equal(problems.length, 1, JSON.stringify(r.report.problems))
    assert.match(
      problems[0] ?? '',
      /resolution of pause .*: verification hook's resolution refused \(bad_signature: the tml-verification\/1 signature does not verify under receipt key 0x04/,
    )
  })

  test('adversarial: the decision changed after the gateway signed (the hook said +1, the record says -1)', async () => {
    const ls = withForgedResolution((m) => {
      const signature = signP256({ message: statement(m), privateKey: fixture().receiptSeed })
      return { ...m, state: -1, resolution: { ...m.resolution, decision: -1, signature } }
    })
    const r = await audit(write(ls))
    assert.equal(r.code, 1)
    assert.match(
      pauseProblems(r).join('\n'),
      /verification hook's resolution refused \(bad_signature/,
    )
  })

  test('adversarial: a hook resolution without a signature is reported', async () => {
    const ls = withForgedResolution((m) => {
      const { signature: _, ...rest } = m.resolution
      return { ...m, resolution: rest as Mtl['resolution'] }
    })
    const r = await audit(write(ls))
    assert.equal(r.code, 1)
    assert.match(
      pauseProblems(r).join('\n'),
      /verification hook's resolution refused \(not_checkable/,
    )
  })

  test('adversarial: a hook the pause’s policy does not name, even with a valid signature, is reported', async () => {
    const ls = withForgedResolution((m) => {
      const other = {
        ...m,
        resolution: {
          ...m.resolution,
          arbiter: { kind: 'verification', id: 'http://127.0.0.1:1/rubber-stamp' },
        },
      }
      return {
        ...other,
        resolution: {
          ...other.resolution,
          signature: signP256({ message: statement(other), privateKey: fixture().receiptSeed }),
        },
      }
    })
    const r = await audit(write(ls))
    assert.equal(r.code, 1)
    const problems = pauseProblems(r)
    assert.equal(problems.length, 1, JSON.stringify(r.report.problems))
    assert.match(
      problems[0] ?? '',
      new RegExp(
        `resolved by verification hook http://127.0.0.1:1/rubber-stamp, which the pause's policy 0x[0-9a-f]{64} does not name \\(it names ${hookUrl.replaceAll('.', '\\.')}\\)`,
      ),
    )
  })
})
