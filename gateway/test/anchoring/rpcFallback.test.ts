// Several RPC URLs per chain: the anchorer goes on through the next URL when the first is dead
// (nothing listens on its port) or answers errors (HTTP 503).
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadLaneConfig } from '../../src/anchoring/loadLaneConfig.ts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS, freePort } from '../e2e/localChains.ts'
import { tempDir } from '../helpers/memory.ts'
import { headEpoch, oneChainConfig, useOneChain } from './oneChain.ts'

type Answer = { seq: number; state: number }

describe('an RPC URL down', () => {
  const fixture = useOneChain()

  test('behavior: the first URL refuses connections, then answers 503: anchoring goes on through the next; the failures are counted', async (t) => {
    const f = fixture()
    const c = f.chains[0]
    assert.ok(c)
    const dir = tempDir()
    const open = new Set<AnchoredGateway>()
    t.after(async () => {
      for (const g of open) await g.close()
    })
    const anchorThrough = async (rpcUrl: string, fallback: string) => {
      const gw = await startAnchoredGateway(
        f,
        { chains: [oneChainConfig(f, { rpcUrl, fallbackRpcUrls: [fallback] })], epochSize: 1 },
        dir,
      )
      open.add(gw)
      const lane = gw.gateway.lane
      assert.ok(lane)
      const a = await postDecision<Answer>(gw, { profile: 'finance' })
      assert.equal(a.state, 1)
      await eventually(() => (lane.isAnchored(a.seq) ? true : undefined), 20_000, 'anchored')
      const status = lane.chainStatus()[0]
      assert.ok((status?.rpcErrors ?? 0) > 0, 'the dead URL was tried and counted')
      assert.equal(status?.failures, 0, 'no round failed')
      const metrics = (await gw.app.inject({ url: '/metrics' })).body
      const errors =
        /^tml_anchor_rpc_errors_total\{chain="ethereum",chain_id="31337"\} (\d+)$/m.exec(metrics)
      assert.ok(Number(errors?.[1]) > 0, metrics)
      open.delete(gw)
      await gw.close()
      return a
    }

    // Nothing listens on the first URL's port.
    const closed = `http://127.0.0.1:${await freePort()}`
    await anchorThrough(closed, c.rpcUrl)
    assert.equal(await headEpoch(f), 1)

    // The first URL answers every request with 503 (the fixture's proxy, switched off).
    c.setDown(true)
    try {
      await anchorThrough(c.rpcUrl, c.nodeUrl)
    } finally {
      c.setDown(false)
    }
    assert.equal(await headEpoch(f), 2)
  })
})

describe('--chain with fallback URLs and --fee-cap-gwei', () => {
  // Deployment files of two networks (no chain needs to run to read options).
  const deployments = tempDir()
  for (const [network, chainId] of [
    ['ethereum', 31337],
    ['polygon', 31338],
  ] as const)
    writeFileSync(
      join(deployments, `${network}.json`),
      JSON.stringify({
        chainId,
        contracts: {
          CheckpointRegistry: { address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' },
        },
      }),
    )

  test('behavior: a network named again adds a fallback URL; fee caps per network or for all', () => {
    const dir = deployments
    const c = loadLaneConfig({
      chains: ['ethereum=http://a.test', 'ethereum=http://b.test', 'polygon=http://c.test'],
      deploymentsDir: dir,
      relayerKey: DEV_KEYS.relayer,
      feeCapGwei: ['30', 'ethereum=120'],
    })
    assert.equal(c?.chains.length, 2)
    assert.equal(c?.chains[0]?.rpcUrl, 'http://a.test')
    assert.deepEqual(c?.chains[0]?.fallbackRpcUrls, ['http://b.test'])
    assert.equal(c?.chains[0]?.maxFeePerGasWei, 120_000_000_000n)
    assert.equal(c?.chains[1]?.fallbackRpcUrls, undefined)
    assert.equal(c?.chains[1]?.maxFeePerGasWei, 30_000_000_000n)
    const plain = loadLaneConfig({
      chains: ['ethereum=http://a.test'],
      deploymentsDir: dir,
      relayerKey: DEV_KEYS.relayer,
      feeCapGwei: '7',
    })
    assert.equal(plain?.chains[0]?.maxFeePerGasWei, 7_000_000_000n)
    const byDefault = loadLaneConfig({
      chains: ['ethereum=http://a.test'],
      deploymentsDir: dir,
      relayerKey: DEV_KEYS.relayer,
    })
    assert.equal(byDefault?.chains[0]?.maxFeePerGasWei, 200_000_000_000n)
  })

  const errors = [
    { feeCapGwei: ['0'], chains: ['ethereum=http://a.test'], wantErr: /integer >= 1/ },
    { feeCapGwei: ['1.5'], chains: ['ethereum=http://a.test'], wantErr: /GWEI or NETWORK=GWEI/ },
    {
      feeCapGwei: ['5', '6'],
      chains: ['ethereum=http://a.test'],
      wantErr: /twice for every chain/,
    },
    { feeCapGwei: ['polygon=5'], chains: ['ethereum=http://a.test'], wantErr: /names polygon/ },
    { chains: ['ethereum=http://a.test', 'ethereum=http://a.test'], wantErr: /given twice/ },
  ]
  for (const row of errors) {
    test(`errors: ${JSON.stringify(row.feeCapGwei ?? row.chains)}`, () => {
      assert.throws(
        () =>
          loadLaneConfig({
            chains: row.chains,
            deploymentsDir: deployments,
            relayerKey: DEV_KEYS.relayer,
            ...(row.feeCapGwei ? { feeCapGwei: row.feeCapGwei } : {}),
          }),
        row.wantErr,
      )
    })
  }
})
