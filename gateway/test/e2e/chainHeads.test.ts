// Never sign twice: a gateway whose store is behind or beside what the chains hold (an older
// backup restored, an empty data directory on the log's keys, a second gateway on the same keys)
// signs nothing, answers -1 LEDGER with the reason, and is not ready.
import assert from 'node:assert/strict'
import { cpSync, rmSync } from 'node:fs'
import { describe, test } from 'node:test'
import { sleep } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
  useChains,
} from './anchoredGateway.ts'

type Answer = {
  state: number
  trigger_type: string
  trigger_detail: string
  logged: boolean
  seq: number | null
}

const decide = (gw: AnchoredGateway, profile = 'finance') => postDecision<Answer>(gw, { profile })

/** Decides once and waits until the epoch holding it is confirmed on every chain. */
async function decideAnchored(gw: AnchoredGateway): Promise<number> {
  const lane = gw.gateway.lane
  assert.ok(lane)
  const answer = await decide(gw)
  assert.equal(answer.state, 1, answer.trigger_detail)
  await eventually(
    () => (lane.isAnchored(answer.seq as number) ? true : undefined),
    20_000,
    `seq ${answer.seq} anchored`,
  )
  return (await lane.store.latestCheckpoint())?.epoch ?? 0
}

/** What a gateway refusing to sign must show: -1 LEDGER unlogged with the reason, 503, nothing signed. */
async function assertRefuses(gw: AnchoredGateway, reason: RegExp, epoch: number | undefined) {
  const lane = gw.gateway.lane
  assert.ok(lane)
  assert.equal(lane.guard.verdict.state, 'contradicted')
  const size = await gw.gateway.store.size()
  for (const profile of ['finance', 'general']) {
    const answer = await decide(gw, profile)
    assert.equal(answer.state, -1)
    assert.equal(answer.trigger_type, 'LEDGER')
    assert.equal(answer.logged, false, 'a stale store gives no receipt')
    assert.match(answer.trigger_detail, reason)
  }
  const ready = await gw.app.inject({ url: '/readyz' })
  assert.equal(ready.statusCode, 503)
  assert.match(ready.json().reason, reason)
  // Many sequencer rounds later: still nothing signed, nothing appended.
  await sleep(600)
  assert.equal((await lane.store.latestCheckpoint())?.epoch, epoch)
  assert.equal(await lane.store.intent(), undefined)
  assert.equal(await gw.gateway.store.size(), size)
}

describe('a chain ahead of the store', () => {
  const fixture = useChains()

  test('behavior: restore an older backup (copied after epoch 2, chains at epoch 4): no new checkpoint is signed, decisions -1 LEDGER', async () => {
    const dir = tempDir()
    const backup = tempDir()
    const lane = { epochSize: 1 }
    let gw = await startAnchoredGateway(fixture(), lane, dir)
    try {
      assert.equal(await decideAnchored(gw), 1)
      assert.equal(await decideAnchored(gw), 2)
    } finally {
      await gw.close()
    }
    cpSync(dir, backup, { recursive: true })
    gw = await startAnchoredGateway(fixture(), lane, dir)
    try {
      assert.equal(await decideAnchored(gw), 3)
      assert.equal(await decideAnchored(gw), 4)
    } finally {
      await gw.close()
    }
    rmSync(dir, { recursive: true })
    cpSync(backup, dir, { recursive: true })

    gw = await startAnchoredGateway(fixture(), lane, dir)
    try {
      await assertRefuses(
        gw,
        /chain (ethereum|polygon) is ahead of this store: it holds epoch 4 \(tree size 4, .*this store's latest checkpoint is epoch 2 \(tree size 2\)/,
        2,
      )
    } finally {
      await gw.close()
    }
  })

  test("behavior: an empty data directory with the log's keys, against chains that already hold epochs: nothing signed, -1 LEDGER", async () => {
    const gw = await startAnchoredGateway(fixture(), { epochSize: 1 }, tempDir())
    try {
      await assertRefuses(
        gw,
        /chain (ethereum|polygon) is ahead of this store: it holds epoch 4 .* latest checkpoint is none/,
        undefined,
      )
    } finally {
      await gw.close()
    }
  })
})

describe('two gateways on the same keys, each with its own data directory', () => {
  const fixture = useChains()

  test('behavior: once one has anchored an epoch, the other signs nothing and answers -1 LEDGER; the first goes on', async () => {
    const first = await startAnchoredGateway(fixture(), { epochSize: 1 })
    // The second one's rounds are driven by hand, so that it closes its epoch after the first.
    const second = await startAnchoredGateway(fixture(), { epochSize: 1, manual: true })
    try {
      assert.equal(first.gateway.lane?.guard.verdict.state, 'clear')
      assert.equal(second.gateway.lane?.guard.verdict.state, 'clear')
      assert.equal(await decideAnchored(first), 1)
      // Both started on chains that held nothing: the second has already logged (and given a
      // receipt for) a record of its own history before it is due to sign.
      assert.equal((await decide(second)).logged, true)
      await second.gateway.lane?.round()
      await assertRefuses(
        second,
        /chain (ethereum|polygon) is ahead of this store: it holds epoch 1 .* latest checkpoint is none/,
        undefined,
      )
      assert.equal(await decideAnchored(first), 2, 'the first gateway anchors on')
    } finally {
      await second.close()
      await first.close()
    }
  })
})
