// Per-chain anchoring cadence (issue 17, with the contract's epoch skipping of issue 13): an
// expensive chain takes the newest checkpoint on its own schedule, skipping the epochs between,
// while a cheap one takes every epoch; decisions go on, bundles verify, and an anchor record left
// for an epoch the chain passed is closed as skipped instead of stopping the anchorer.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { bytesToHex, checkpointRegistryAbi, type ProofBundle, verifyBundle } from '@tml/core'
import { createPublicClient, type Hex, http, zeroHash } from 'viem'
import { createReadCheckpoint } from '../../src/proofs/createReadCheckpoint.ts'
import { auth } from '../helpers/gateway.ts'
import {
  type AnchoredGateway,
  chainConfigs,
  eventually,
  type Fixture,
  postDecision,
  startAnchoredGateway,
  useChains,
} from './anchoredGateway.ts'

const CADENCE_MS = 2_500
// A checkpoint's time is in whole seconds and the cadence counts from the time of the one the
// chain holds, which was signed up to an epoch period and a round before it was sent: two anchors
// can be as little as CADENCE_MS - 1.5 s apart (this test once saw 7 anchors in 5.5 s with a
// 1.5 s cadence, and its bound of 6 failed).
const SHORTEST_GAP_S = (CADENCE_MS - 1_500) / 1_000

describe('per-chain anchoring cadence on two local chains', () => {
  let gw: AnchoredGateway
  const fixture = useChains({
    started: async (chains) => {
      const [ethereum, polygon] = chainConfigs(chains)
      gw = await startAnchoredGateway(chains, {
        chains: [
          { ...(ethereum as NonNullable<typeof ethereum>), cadence: { intervalMs: CADENCE_MS } },
          polygon as NonNullable<typeof polygon>,
        ],
      })
    },
    stopping: async () => {
      await gw?.close()
    },
  })
  const store = () => gw.gateway.lane?.store as NonNullable<typeof gw.gateway.lane>['store']
  const held = (c: Fixture['chains'][number], epoch: number) =>
    createPublicClient({ transport: http(c.nodeUrl) }).readContract({
      address: c.registry,
      abi: checkpointRegistryAbi,
      functionName: 'checkpointHashAt',
      args: [fixture().logId, BigInt(epoch)],
    })

  test('behavior: ethereum skips epochs on its cadence, polygon takes each one; decisions never stop; bundles verify', async () => {
    const started = Date.now()
    const answers: { trace_id: string; seq: number; state: number }[] = []
    while (Date.now() - started < 6_000) {
      answers.push(await postDecision(gw, { profile: 'finance' }))
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.ok(
      answers.every((a) => a.state === 1),
      'anchoring stayed healthy: every decision +1',
    )
    const last = (await store().latestCheckpoint())?.epoch ?? 0
    assert.ok(last >= 10, `epochs closed: ${last}`)
    await eventually(
      () =>
        gw.gateway.lane?.chainStatus().every((s) => s.confirmedEpoch >= last) ? true : undefined,
      20_000,
      `epoch ${last} confirmed on both chains`,
    )
    const [ethereum, polygon] = fixture().chains as [Fixture['chains'][0], Fixture['chains'][0]]
    const onEthereum: number[] = []
    for (let epoch = 1; epoch <= last; epoch++) {
      assert.notEqual(await held(polygon, epoch), zeroHash, `polygon holds epoch ${epoch}`)
      if ((await held(ethereum, epoch)) !== zeroHash) onEthereum.push(epoch)
    }
    // At most one anchor per shortest gap, the first epoch at once: far fewer than the epochs.
    const seconds = (Date.now() - started) / 1000
    assert.ok(onEthereum.length >= 2, `ethereum anchored ${onEthereum.join(',')}`)
    assert.ok(
      onEthereum.length <= Math.floor(seconds / SHORTEST_GAP_S) + 1 && onEthereum.length < last / 2,
      `ethereum anchored ${onEthereum.length} of ${last} epochs in ${seconds} s`,
    )
    // (An epoch closed after `last`, with the last decisions, may be on its way: not counted.)
    const records = (await store().anchors(ethereum.chainId, ethereum.registry)).filter(
      (r) => r.epoch <= last,
    )
    assert.deepEqual(
      records.map((r) => r.epoch),
      onEthereum,
      'a record only for the epochs sent there',
    )
    assert.ok(records.every((r) => r.status === 'confirmed'))

    // The first decision: its bundle names the newest epoch both chains hold, and verifies.
    const first = answers[0] as (typeof answers)[number]
    const bundle = await eventually(async () => {
      const res = await gw.app.inject({ url: `/v1/traces/${first.trace_id}/proof`, headers: auth })
      if (res.statusCode !== 200) return undefined
      const b = res.json() as ProofBundle
      return b.anchors.length === 2 ? b : undefined
    }, 20_000)
    assert.notEqual(await held(ethereum, bundle.checkpoint.epoch), zeroHash)
    const readCheckpoint = createReadCheckpoint({
      rpc: new Map(fixture().chains.map((c) => [c.chainId, c.nodeUrl])),
    })
    const verdict = await verifyBundle(bundle, { readCheckpoint })
    assert.equal(verdict.valid, true, JSON.stringify(verdict.steps.filter((s) => !s.ok)))
  })

  test('behavior: a record left "sent" for an epoch the chain passed is closed as skipped; anchoring goes on', async () => {
    const ethereum = fixture().chains[0] as Fixture['chains'][number]
    const anchorer = gw.gateway.lane?.anchorers[0]
    assert.ok(anchorer)
    const anchored = new Set(
      (await store().anchors(ethereum.chainId, ethereum.registry)).map((r) => r.epoch),
    )
    const head = Math.max(...anchored)
    let skipped = 0
    for (let e = head - 1; e >= 1; e--) if (!anchored.has(e)) skipped = e
    assert.ok(skipped > 0, 'an epoch ethereum skipped')
    // As a crash or a dropped transaction would leave it: sent, never mined, head past it.
    const txHash = bytesToHex(new Uint8Array(randomBytes(32))) as Hex
    await store().putAnchor({
      epoch: skipped,
      chainId: ethereum.chainId,
      registry: ethereum.registry,
      status: 'sent',
      txHash,
      nonce: 0,
      blockNumber: null,
      confirmations: 0,
      attempts: 1,
      lastError: null,
      updatedMs: Date.now(),
    })
    await anchorer.round()
    const record = await store().anchor(skipped, ethereum.chainId, ethereum.registry)
    assert.equal(record?.status, 'skipped', JSON.stringify(record))
    await postDecision(gw, { profile: 'finance' })
    const next = ((await store().latestCheckpoint())?.epoch ?? 0) + 1
    await eventually(
      () => (anchorer.status().confirmedEpoch >= next ? true : undefined),
      20_000,
      `ethereum anchors on after the skipped record (epoch ${next})`,
    )
    assert.equal(anchorer.status().failures, 0)
  })
})
