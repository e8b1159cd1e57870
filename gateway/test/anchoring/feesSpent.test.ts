// Fees the relayer spends, as /metrics counts them, against the receipts read independently from
// the local node: every block scanned for the relayer's transactions to the registry.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { bytesToHex, type Hex } from '@tml/core'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../e2e/localChains.ts'
import { tempDir } from '../helpers/memory.ts'
import { scrapeMetrics } from '../helpers/scrapeMetrics.ts'
import { headEpoch, oneChainConfig, useOneChain } from './oneChain.ts'

const SAMPLE = '{chain="ethereum",chain_id="31337"}'

describe('fees spent on anchoring', () => {
  const fixture = useOneChain()
  // One log across the tests: each gateway continues the previous one's epochs on the chain.
  const dir = tempDir()
  const relayer = privateKeyToAccount(DEV_KEYS.relayer).address.toLowerCase()

  // The relayer's transactions to the registry mined in blocks from `fromBlock`, with what each
  // cost: straight from the node, not through the gateway's records.
  const paidFrom = async (fromBlock: bigint) => {
    const c = fixture().chains[0]
    assert.ok(c)
    const node = createPublicClient({ transport: http(c.nodeUrl) })
    const latest = await node.getBlockNumber({ cacheTime: 0 })
    const paid: { hash: Hex; gasUsed: bigint; feeWei: bigint }[] = []
    for (let n = fromBlock; n <= latest; n++) {
      const block = await node.getBlock({ blockNumber: n, includeTransactions: true })
      for (const tx of block.transactions) {
        if (tx.from.toLowerCase() !== relayer || tx.to?.toLowerCase() !== c.registry.toLowerCase())
          continue
        const r = await node.getTransactionReceipt({ hash: tx.hash })
        paid.push({ hash: tx.hash, gasUsed: r.gasUsed, feeWei: r.gasUsed * r.effectiveGasPrice })
      }
    }
    return {
      paid,
      feeWei: paid.reduce((a, p) => a + p.feeWei, 0n),
      gasUsed: paid.reduce((a, p) => a + p.gasUsed, 0n),
    }
  }
  const blockNumber = async () => {
    const c = fixture().chains[0]
    assert.ok(c)
    return createPublicClient({ transport: http(c.nodeUrl) }).getBlockNumber({ cacheTime: 0 })
  }
  // The counters on the gateway's /metrics, over HTTP on 127.0.0.1.
  const counted = async (gw: AnchoredGateway) => {
    const url = await gw.app.listen({ host: '127.0.0.1', port: 0 })
    const m = await scrapeMetrics(`${url}/metrics`)
    assert.equal(m.families.get('tml_anchor_fees_spent_wei_total'), 'counter')
    assert.equal(m.families.get('tml_anchor_gas_used_total'), 'counter')
    return {
      feeWei: m.value(`tml_anchor_fees_spent_wei_total${SAMPLE}`),
      gasUsed: m.value(`tml_anchor_gas_used_total${SAMPLE}`),
    }
  }

  test('behavior: after N anchors, tml_anchor_fees_spent_wei_total is the sum of their receipts (gas used × effective gas price) and tml_anchor_gas_used_total their gas', async (t) => {
    const f = fixture()
    const from = (await blockNumber()) + 1n
    const gw = await startAnchoredGateway(f, { chains: [oneChainConfig(f)], epochSize: 1 }, dir)
    t.after(() => gw.close())
    const lane = gw.gateway.lane
    assert.ok(lane)
    const N = 3
    for (let i = 0; i < N; i++) {
      const a = await postDecision<{ seq: number }>(gw, { profile: 'finance' })
      await eventually(() => (lane.isAnchored(a.seq) ? true : undefined), 20_000, 'anchored')
    }
    const paid = await eventually(async () => {
      const chain = await paidFrom(from)
      const status = lane.chainStatus()[0]
      return chain.paid.length >= N && status?.feesSpentWei === chain.feeWei ? chain : undefined
    }, 20_000)
    assert.ok(paid.feeWei > 0n)
    const metrics = await counted(gw)
    // Exact: a few local anchors stay far below 2^53 wei.
    assert.ok(paid.feeWei < 2n ** 53n)
    assert.equal(metrics.feeWei, Number(paid.feeWei))
    assert.equal(metrics.gasUsed, Number(paid.gasUsed))
  })

  test('behavior: the replaced transaction mined instead of the one its record names is counted, once', async (t) => {
    const f = fixture()
    const c = f.chains[0]
    assert.ok(c)
    const open = new Set<AnchoredGateway>()
    t.after(async () => {
      for (const g of open) await g.close()
      await c.rpc('evm_setAutomine', [true])
    })
    const lane = { chains: [oneChainConfig(f, { replaceAfterMs: 60_000 })], epochSize: 1 }
    const start = async (options: Record<string, unknown> = lane) => {
      const g = await startAnchoredGateway(f, options, dir)
      open.add(g)
      return g
    }
    const stop = async (g: AnchoredGateway) => {
      open.delete(g)
      await g.close()
    }
    const from = (await blockNumber()) + 1n
    const epoch = (await headEpoch(f)) + 1
    await c.rpc('evm_setAutomine', [false])
    let gw = await start()
    await postDecision(gw, { profile: 'finance' })
    const sent = await eventually(async () => {
      const r = await gw.gateway.lane?.store.anchor(epoch, c.chainId, c.registry)
      return r?.status === 'sent' && r.txHash !== null ? r : undefined
    }, 20_000)
    await stop(gw)
    // A replacement recorded and never broadcast (a crash in between): the record names a
    // transaction no node has, and the one it replaced is mined.
    gw = await start({ ...lane, manual: true })
    await gw.gateway.lane?.store.putAnchor({
      ...sent,
      txHash: bytesToHex(new Uint8Array(randomBytes(32))),
      attempts: sent.attempts + 1,
      updatedMs: Date.now(),
    })
    await stop(gw)
    await c.rpc('evm_mine')
    await c.rpc('evm_setAutomine', [true])
    assert.equal(await headEpoch(f), epoch)

    gw = await start()
    await eventually(async () => {
      const r = await gw.gateway.lane?.store.anchor(epoch, c.chainId, c.registry)
      return r?.status === 'confirmed' ? r : undefined
    }, 20_000)
    const chain = await paidFrom(from)
    assert.deepEqual(
      chain.paid.map((p) => p.hash),
      [sent.txHash],
      'one transaction mined: the replaced one',
    )
    const metrics = await eventually(async () => {
      const m = await counted(gw)
      return m.feeWei === Number(chain.feeWei) ? m : undefined
    }, 10_000)
    assert.equal(metrics.gasUsed, Number(chain.gasUsed))
    assert.ok(chain.feeWei > 0n)
  })
})
