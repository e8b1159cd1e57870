import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { bytesToHex, checkpointRegistryAbi, type Hex } from '@tml/core'
import { createPublicClient, http } from 'viem'
import type { AnchorRecord } from '../../src/anchoring/AnchorStore.ts'
import { tempDir } from '../helpers/memory.ts'
import {
  type AnchoredGateway,
  chainConfigs,
  eventually,
  postDecision,
  startAnchoredGateway,
  useChains,
} from './anchoredGateway.ts'

type Answer = {
  trace_id: string
  seq: number
  state: number
  trigger_type: string
  trigger_detail: string
}

const decide = (gw: AnchoredGateway, profile = 'finance') => postDecision<Answer>(gw, { profile })

async function chainHead(url: string, registry: Hex, logId: Hex) {
  const client = createPublicClient({ transport: http(url) })
  const [epoch, rootHash] = await client.readContract({
    address: registry,
    abi: checkpointRegistryAbi,
    functionName: 'head',
    args: [logId],
  })
  return { epoch: Number(epoch), rootHash }
}

describe('a chain RPC stopped', () => {
  let gw: AnchoredGateway
  const fixture = useChains({
    started: async (chains) => {
      gw = await startAnchoredGateway(chains, { maxEpochIntervalMs: 1500 })
    },
    stopping: async () => {
      await gw?.close()
    },
  })

  test('behavior: retries, the other chain goes on, fail-closed after the interval, recovery, backlog in order', async () => {
    const [ethereum, polygon] = fixture().chains
    assert.ok(ethereum && polygon)
    const lane = gw.gateway.lane
    assert.ok(lane)
    polygon.setDown(true)
    for (let i = 0; i < 4; i++) assert.equal((await decide(gw)).state, 1)
    const status = () => new Map(lane.chainStatus().map((s) => [s.name, s]))
    await eventually(
      () => ((status().get('ethereum')?.confirmedTreeSize ?? 0) >= 4 ? true : undefined),
      20_000,
      'ethereum anchors',
    )
    await eventually(
      () => ((status().get('polygon')?.failures ?? 0) >= 2 ? true : undefined),
      20_000,
      'polygon retries',
    )
    assert.equal(status().get('polygon')?.confirmedEpoch, 0)

    // Past the maximum epoch interval with polygon behind: No Log = No Action.
    const refused = await eventually(
      async () => {
        const a = await decide(gw)
        return a.state === -1 ? a : undefined
      },
      20_000,
      'fail-closed',
    )
    assert.equal(refused.trigger_type, 'LEDGER')
    assert.match(refused.trigger_detail, /polygon/)

    // More checkpoints pile up while polygon is down.
    await decide(gw)
    await eventually(
      async () => (((await lane.store.latestCheckpoint())?.epoch ?? 0) >= 3 ? true : undefined),
      20_000,
      'backlog',
    )
    polygon.setDown(false)
    const backlog = (await lane.store.latestCheckpoint())?.epoch ?? 0
    // Caught up means every backlog epoch's own anchor record is confirmed: the chain's
    // confirmed epoch can run ahead of the record of the last transaction by one round.
    const backlogConfirmed = async () =>
      (await lane.store.anchors(polygon.chainId, polygon.registry)).filter(
        (r) => r.epoch <= backlog && r.status === 'confirmed',
      ).length >= backlog
    await eventually(
      async () =>
        (status().get('polygon')?.confirmedEpoch ?? 0) >= backlog && (await backlogConfirmed())
          ? true
          : undefined,
      30_000,
      'polygon catches up',
    )
    const recovered = await eventually(
      async () => {
        const a = await decide(gw)
        return a.state === 1 ? a : undefined
      },
      20_000,
      'recovery',
    )
    assert.equal(recovered.trigger_type, 'NONE')

    // Backlog anchored in order: epochs 1..backlog, one block after the other.
    const records = (await lane.store.anchors(polygon.chainId, polygon.registry)).filter(
      (r) => r.epoch <= backlog,
    )
    assert.deepEqual(
      records.map((r) => r.epoch),
      Array.from({ length: backlog }, (_, i) => i + 1),
    )
    for (let i = 1; i < records.length; i++) {
      assert.ok((records[i]?.blockNumber ?? 0) > (records[i - 1]?.blockNumber ?? 0))
      assert.equal(records[i]?.status, 'confirmed')
    }
  })
})

describe('a reorg and a crash', () => {
  const fixture = useChains()

  test('behavior: a crash between recording and broadcasting an anchor; the restart completes the work', async () => {
    const dir = tempDir()
    const first = await startAnchoredGateway(fixture(), { manual: true, epochSize: 1 }, dir)
    const a = await decide(first)
    const lane = first.gateway.lane
    assert.ok(lane)
    await lane.round()
    const cp = await lane.store.latestCheckpoint()
    assert.equal(cp?.epoch, 1)
    // The crash: the anchorer recorded a signed transaction, then died before broadcasting it.
    for (const c of fixture().chains) {
      await lane.store.putAnchor({
        epoch: 1,
        chainId: c.chainId,
        registry: c.registry,
        status: 'sent',
        txHash: bytesToHex(new Uint8Array(randomBytes(32))),
        nonce: 0,
        blockNumber: null,
        confirmations: 0,
        attempts: 1,
        lastError: null,
        updatedMs: Date.now(),
      })
    }
    await first.close()

    const second = await startAnchoredGateway(fixture(), {}, dir)
    try {
      const lane2 = second.gateway.lane
      assert.ok(lane2)
      await eventually(
        () => (lane2.isAnchored(a.seq) ? true : undefined),
        20_000,
        'anchored after restart',
      )
      for (const c of fixture().chains) {
        const r: AnchorRecord | undefined = await lane2.store.anchor(1, c.chainId, c.registry)
        assert.equal(r?.status, 'confirmed')
        assert.equal(r?.attempts, 2, 'sent again after the crash')
        const head = await chainHead(c.nodeUrl, c.registry, fixture().logId)
        assert.ok(head.epoch >= 1)
      }
      assert.equal(
        (await lane2.store.checkpoint(1))?.signature,
        cp?.signature,
        'nothing signed twice',
      )

      // Reorg: the node forgets a block holding an anchor; the anchorer sends the checkpoint again.
      const ethereum = fixture().chains[0]
      assert.ok(ethereum)
      const snapshot = await ethereum.rpc('evm_snapshot')
      const b = await decide(second)
      await eventually(
        () => (lane2.isAnchored(b.seq) ? true : undefined),
        20_000,
        'anchored before the reorg',
      )
      const epoch = lane2.chainStatus()[0]?.confirmedEpoch ?? 0
      assert.ok(epoch >= 2)
      const before = await lane2.store.anchor(epoch, ethereum.chainId, ethereum.registry)
      assert.equal(await ethereum.rpc('evm_revert', [snapshot]), true)
      await eventually(
        async () => {
          const r = await lane2.store.anchor(epoch, ethereum.chainId, ethereum.registry)
          const head = await chainHead(ethereum.nodeUrl, ethereum.registry, fixture().logId)
          return r?.status === 'confirmed' &&
            (r.attempts ?? 0) > (before?.attempts ?? 0) &&
            head.epoch >= epoch
            ? r
            : undefined
        },
        20_000,
        're-anchored after the reorg',
      )
      const head = await chainHead(ethereum.nodeUrl, ethereum.registry, fixture().logId)
      assert.equal(head.rootHash, (await lane2.store.checkpoint(head.epoch))?.rootHash)
    } finally {
      await second.close()
    }
  })
})

// Its own chains: the log's epochs it anchors would clash with another test's fresh log.
describe('an anchor the store lost track of', () => {
  const fixture = useChains()

  test('behavior: the chain holds an epoch whose transaction the store lost; its event is found, nothing is sent again', async () => {
    const dir = tempDir()
    const first = await startAnchoredGateway(fixture(), { epochSize: 1 }, dir)
    const a = await decide(first)
    const lane = first.gateway.lane
    assert.ok(lane)
    await eventually(() => (lane.isAnchored(a.seq) ? true : undefined), 20_000, 'anchored')
    const epoch = (await lane.store.latestCheckpoint())?.epoch ?? 0
    const real = new Map<number, AnchorRecord | undefined>()
    for (const c of fixture().chains) {
      const r = await lane.store.anchor(epoch, c.chainId, c.registry)
      assert.equal(r?.status, 'confirmed')
      real.set(c.chainId, r)
      // What the store knows is wrong: a transaction hash no node has heard of.
      await lane.store.putAnchor({
        ...(r as AnchorRecord),
        status: 'sent',
        txHash: bytesToHex(new Uint8Array(randomBytes(32))),
        blockNumber: null,
        confirmations: 0,
      })
    }
    await first.close()

    const second = await startAnchoredGateway(
      fixture(),
      { epochSize: 1, chains: chainConfigs(fixture(), { deploymentBlock: 1n }) },
      dir,
    )
    try {
      const lane2 = second.gateway.lane
      assert.ok(lane2)
      for (const c of fixture().chains) {
        const r: AnchorRecord = await eventually<AnchorRecord>(
          async (): Promise<AnchorRecord | undefined> => {
            const x: AnchorRecord | undefined = await lane2.store.anchor(
              epoch,
              c.chainId,
              c.registry,
            )
            return x?.status === 'confirmed' ? x : undefined
          },
          20_000,
          'settled from the event',
        )
        assert.equal(r.txHash, real.get(c.chainId)?.txHash, 'the transaction of the event')
        assert.equal(r.blockNumber, real.get(c.chainId)?.blockNumber)
        assert.equal(r.attempts, real.get(c.chainId)?.attempts, 'not sent again')
      }
    } finally {
      await second.close()
    }
  })
})

// Public RPC endpoints are load-balanced: a block-number read can come from a replica behind the
// node that served a receipt. The anchorer once counted such an answer as 0 confirmations, and the
// next epoch's confirmation then carried its confirmed epoch past the unsettled one for good.
describe('a lagging RPC node', () => {
  const fixture = useChains()

  test('behavior: block numbers behind the receipts; every epoch is still confirmed, in order', async () => {
    for (const c of fixture().chains) c.setLagging(true)
    const gw = await startAnchoredGateway(fixture(), { epochSize: 1 })
    try {
      const lane = gw.gateway.lane
      assert.ok(lane)
      const EPOCHS = 8
      for (let i = 0; i < EPOCHS; i++) {
        await decide(gw)
        await eventually(
          async () => (((await lane.store.latestCheckpoint())?.epoch ?? 0) > i ? true : undefined),
          20_000,
          `epoch ${i + 1} signed`,
        )
      }
      for (const c of fixture().chains) {
        const settled = async () => {
          const records: readonly AnchorRecord[] = await lane.store.anchors(c.chainId, c.registry)
          return records.length >= EPOCHS && records.every((r) => r.status === 'confirmed')
        }
        await eventually(
          async () => ((await settled()) ? true : undefined),
          30_000,
          `every anchor record on ${c.name} confirmed`,
        )
        const status = lane.chainStatus().find((s) => s.chainId === c.chainId)
        assert.ok((status?.confirmedEpoch ?? 0) >= EPOCHS)
        const records: readonly AnchorRecord[] = await lane.store.anchors(c.chainId, c.registry)
        for (let i = 1; i < records.length; i++) {
          assert.equal(records[i]?.epoch, (records[i - 1]?.epoch ?? 0) + 1)
          assert.ok((records[i]?.blockNumber ?? 0) > (records[i - 1]?.blockNumber ?? 0))
        }
      }
    } finally {
      await gw.close()
    }
  })
})
