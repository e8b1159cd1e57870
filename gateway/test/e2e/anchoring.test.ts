import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { base64ToBytes, bytesToHex, type ProofBundle, verifyBundle } from '@tml/core'
import OpenTimestamps from 'opentimestamps'
import { verifyCommand } from '../../src/cli/verifyCommand.ts'
import { type LocalCalendar, startLocalCalendar } from '../../src/ots/localCalendar.ts'
import { createReadCheckpoint } from '../../src/proofs/createReadCheckpoint.ts'
import { auth } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from './anchoredGateway.ts'

describe('anchoring lane on two local chains', () => {
  let gw: AnchoredGateway
  let calendar: LocalCalendar
  before(async () => {
    calendar = await startLocalCalendar()
  })
  const fixture = useChains({
    started: async (chains) => {
      gw = await startAnchoredGateway(chains, {
        ots: { calendars: [calendar.url], upgradeMs: 50 },
      })
    },
    stopping: async () => {
      await gw?.close()
    },
  })
  after(async () => {
    await calendar?.close()
  })

  const decide = (profile = 'general') =>
    postDecision<{ trace_id: string; seq: number; state: number }>(gw, { profile })

  test('behavior: decisions → epochs → anchored on both chains → bundles that verify', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => decide('finance')))
    const readCheckpoint = createReadCheckpoint({
      rpc: new Map(fixture().chains.map((c) => [c.chainId, c.nodeUrl])),
    })
    for (const answer of answers) {
      const bundle = await eventually(
        async () => {
          const res = await gw.app.inject({
            url: `/v1/traces/${answer.trace_id}/proof`,
            headers: auth,
          })
          if (res.statusCode === 202) {
            assert.equal(res.headers['retry-after'], '1')
            return undefined
          }
          assert.equal(res.statusCode, 200, res.body)
          const b = res.json() as ProofBundle
          return b.anchors.length === 2 ? b : undefined
        },
        30_000,
        `bundle of ${answer.trace_id}`,
      )
      assert.equal(bundle.leafIndex, answer.seq)
      const verdict = await verifyBundle(bundle, { readCheckpoint })
      assert.equal(verdict.valid, true, JSON.stringify(verdict.steps.filter((s) => !s.ok)))
      assert.deepEqual(bundle.anchors.map((a) => a.chainId).sort(), [31337, 31338])
    }
  })

  test('behavior: checkpoint roots are stamped with OpenTimestamps; bundles carry the upgraded .ots', async () => {
    const answer = await decide('finance')
    const withOts = await eventually(
      async () => {
        const res = await gw.app.inject({
          url: `/v1/traces/${answer.trace_id}/proof`,
          headers: auth,
        })
        const b = res.statusCode === 200 ? (res.json() as ProofBundle) : undefined
        return b?.ots ? b : undefined
      },
      20_000,
      'a bundle with an .ots',
    )
    const pending = OpenTimestamps.DetachedTimestampFile.deserialize(
      base64ToBytes(withOts.ots as string),
    )
    assert.equal(bytesToHex(Uint8Array.from(pending.fileDigest())), withOts.checkpoint.rootHash)
    calendar.mine()
    const upgraded = await eventually(
      async () => {
        const res = await gw.app.inject({
          url: `/v1/traces/${answer.trace_id}/proof`,
          headers: auth,
        })
        const b = res.json() as ProofBundle
        const ots = OpenTimestamps.DetachedTimestampFile.deserialize(base64ToBytes(b.ots as string))
        return ots.timestamp.isTimestampComplete() ? ots : undefined
      },
      20_000,
      'the .ots upgraded',
    )
    const verified = await OpenTimestamps.verifyTimestamp(upgraded.timestamp, {
      ignoreBitcoinNode: true,
      url: calendar.esploraUrl,
    })
    assert.equal(typeof verified.bitcoin?.height, 'number')

    // tml verify --esplora: the Bitcoin step checks the attestation against the stand-in's
    // headers; without a source it is reported as not checked; a bad URL is a usage error.
    const res = await gw.app.inject({ url: `/v1/traces/${answer.trace_id}/proof`, headers: auth })
    const file = join(tempDir(), 'bundle.json')
    writeFileSync(file, res.body)
    const args = [
      file,
      ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`]),
      '--deployments',
      writeDeployments(fixture()),
      '--json',
    ]
    const otsStep = async (extra: string[]) => {
      let out = ''
      const code = await verifyCommand({
        argv: [...args, ...extra],
        io: { out: (t) => (out += t), err: () => {}, env: {} },
      })
      const verdict = JSON.parse(out) as {
        steps: { id: string; outcome?: string; detail?: string }[]
      }
      return { code, step: verdict.steps.find((s) => s.id === 'ots') }
    }
    const checked = await otsStep(['--esplora', calendar.esploraUrl])
    assert.equal(checked.code, 0)
    assert.equal(checked.step?.outcome, 'pass', JSON.stringify(checked.step))
    const without = await otsStep([])
    assert.equal(without.step?.outcome, 'unchecked', JSON.stringify(without.step))
    assert.equal(
      await verifyCommand({
        argv: [...args, '--esplora', 'file:///etc/passwd'],
        io: { out: () => {}, err: () => {}, env: {} },
      }),
      2,
    )
  })

  test('behavior: the deliberative profile answers only once its checkpoint is anchored', async () => {
    const answer = await decide('general')
    assert.equal(gw.gateway.lane?.isAnchored(answer.seq), true)
  })

  test('behavior: 404 for an unknown trace, checkpoints and consistency served', async () => {
    const res = await gw.app.inject({
      url: '/v1/traces/01890000-0000-7000-8000-000000000000/proof',
      headers: auth,
    })
    assert.equal(res.statusCode, 404)
    const cps = await gw.app.inject({
      url: `/v1/logs/${fixture().logId}/checkpoints`,
      headers: auth,
    })
    assert.equal(cps.statusCode, 200)
    const body = cps.json() as {
      checkpoints: { checkpoint: { epoch: number; treeSize: number } }[]
    }
    assert.ok(body.checkpoints.length >= 1)
    assert.deepEqual(
      body.checkpoints.map((c) => c.checkpoint.epoch),
      body.checkpoints.map((_, i) => i + 1),
    )
    const last = body.checkpoints.at(-1)?.checkpoint.treeSize ?? 0
    const cons = await gw.app.inject({
      url: `/v1/logs/${fixture().logId}/consistency?from=1&to=${last}`,
      headers: auth,
    })
    assert.equal(cons.statusCode, 200, cons.body)
    const other = await gw.app.inject({
      url: `/v1/logs/0x${'00'.repeat(32)}/checkpoints`,
      headers: auth,
    })
    assert.equal(other.statusCode, 404)
  })
})
