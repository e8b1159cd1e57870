// Fees on a chain that does not mine: the local node's automine is off, so an anchor stays in the
// mempool until the test mines a block, with the base fee the test sets.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { bytesToHex, type Hex } from '@tml/core'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { AnchorRecord } from '../../src/anchoring/AnchorStore.ts'
import type { GatewayLaneOptions } from '../../src/service/createGateway.ts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../e2e/localChains.ts'
import { tempDir } from '../helpers/memory.ts'
import { headEpoch, oneChainConfig, useOneChain } from './oneChain.ts'

const GWEI = 1_000_000_000n
const CAP = 5n * GWEI

type Sent = { hash: Hex; nonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }

describe('a stuck anchor transaction', () => {
  const fixture = useOneChain()

  test('behavior: replaced at its nonce with fees up at least 10% within the cap, across a restart; a market above the cap waits; a replaced transaction mined anyway is the anchor', async (t) => {
    const f = fixture()
    const c = f.chains[0]
    assert.ok(c)
    const node = createPublicClient({ transport: http(c.nodeUrl) })
    const relayer = privateKeyToAccount(DEV_KEYS.relayer).address
    const nonce0 = await node.getTransactionCount({ address: relayer, blockTag: 'latest' })
    await c.rpc('evm_setAutomine', [false])
    const dir = tempDir()
    const lane = {
      chains: [oneChainConfig(f, { replaceAfterMs: 250, maxFeePerGasWei: CAP, statsEveryMs: 100 })],
      epochSize: 1,
      maxEpochIntervalMs: 4_000,
    }
    const record = async (gw: AnchoredGateway): Promise<AnchorRecord | undefined> =>
      await gw.gateway.lane?.store.anchor(1, c.chainId, c.registry)
    // Every transaction the anchorer records for epoch 1, as the node's mempool has it.
    const sent: Sent[] = []
    const watch = async (gw: AnchoredGateway, until: (r: AnchorRecord) => boolean) =>
      eventually(
        async () => {
          const r = await record(gw)
          if (r?.txHash && !sent.some((s) => s.hash === r.txHash)) {
            const tx = await node.getTransaction({ hash: r.txHash }).catch(() => null)
            if (tx?.maxFeePerGas !== undefined && tx.maxPriorityFeePerGas !== undefined)
              sent.push({
                hash: tx.hash,
                nonce: tx.nonce,
                maxFeePerGas: tx.maxFeePerGas,
                maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
              })
          }
          return r && until(r) ? r : undefined
        },
        30_000,
        'anchor record',
      )

    // Gateways still open when an assertion fails are closed, so the test process can end.
    const open = new Set<AnchoredGateway>()
    const start = async (options: Partial<GatewayLaneOptions> = lane) => {
      const g = await startAnchoredGateway(f, options, dir)
      open.add(g)
      return g
    }
    const stop = async (g: AnchoredGateway) => {
      open.delete(g)
      await g.close()
    }
    t.after(async () => {
      for (const g of open) await g.close()
    })
    let gw = await start()
    await postDecision(gw, { profile: 'finance' })
    await watch(gw, (r) => r.attempts >= 3 && sent.length >= 3)
    await stop(gw)
    // The restart in the middle: the transaction is still out, at the same nonce.
    assert.equal(
      await node.getTransactionCount({ address: relayer, blockTag: 'pending' }),
      nonce0 + 1,
    )

    gw = await start()
    const afterRestart = sent.length
    await watch(gw, () => sent.length > afterRestart)
    // Bumped until the next bump would pass the cap: then it waits.
    await eventually(
      () => (gw.gateway.lane?.chainStatus()[0]?.feeWait?.match(/above the cap/) ? true : undefined),
      30_000,
      'replacements stop at the cap',
    )
    await watch(gw, () => true)
    assert.ok(sent.length >= 4, `${sent.length} transactions`)
    for (const s of sent) {
      assert.equal(s.nonce, nonce0, 'every replacement at the same nonce')
      assert.ok(s.maxFeePerGas <= CAP, `max fee ${s.maxFeePerGas} within the cap`)
    }
    for (let i = 1; i < sent.length; i++) {
      const [a, b] = [sent[i - 1] as Sent, sent[i] as Sent]
      assert.ok(
        b.maxFeePerGas * 10n >= a.maxFeePerGas * 11n,
        `max fee +10%: ${a.maxFeePerGas} → ${b.maxFeePerGas}`,
      )
      assert.ok(
        b.maxPriorityFeePerGas * 10n >= a.maxPriorityFeePerGas * 11n,
        `tip +10%: ${a.maxPriorityFeePerGas} → ${b.maxPriorityFeePerGas}`,
      )
    }
    assert.equal(
      await node.getTransactionCount({ address: relayer, blockTag: 'pending' }),
      nonce0 + 1,
    )

    // The market goes above the cap: nothing is re-priced past it, and health and metrics say so.
    await c.rpc('hardhat_setNextBlockBaseFeePerGas', [`0x${(20n * GWEI).toString(16)}`])
    await c.rpc('evm_mine')
    assert.equal(await headEpoch(f), 0, 'not mined at a base fee above its max fee')
    const replacements = gw.gateway.lane?.chainStatus()[0]?.replacements ?? 0
    await eventually(
      () =>
        gw.gateway.lane
          ?.chainStatus()[0]
          ?.feeWait?.match(/market fee 2\d(\.\d+)? gwei is above the fee cap of 5 gwei/)
          ? true
          : undefined,
      30_000,
      'market above the cap',
    )
    // The lane's health is a snapshot of its last tick: it may still carry the fee wait from
    // before the market rose for one tick after the anchorer's own status changed.
    const reason = await eventually(
      () => {
        const s = gw.gateway.lane?.status()
        return s && !s.available && s.reason?.includes('market fee') ? s.reason : undefined
      },
      30_000,
      'fail-closed past the maximum epoch interval',
    )
    assert.match(
      reason ?? '',
      /ethereum \(MTL 0 waiting \d+ s; market fee .* above the fee cap of 5 gwei/,
    )
    const url = await gw.app.listen({ host: '127.0.0.1', port: 0 })
    const metrics = await (await fetch(`${url}/metrics`)).text()
    // Prometheus samples are float64: a balance of 10,000 ether is written 1e+22.
    const sample = (name: string) => {
      const m = new RegExp(`^${name}\\{chain="ethereum",chain_id="31337"\\} (\\S+)$`, 'm').exec(
        metrics,
      )
      assert.ok(m, `${name} in ${metrics}`)
      return BigInt(Number(m[1]))
    }
    assert.equal(sample('tml_anchor_fee_waiting'), 1n)
    assert.equal(sample('tml_anchor_fee_cap_wei'), CAP)
    assert.ok(sample('tml_anchor_fee_wei') >= 20n * GWEI)
    assert.ok(sample('tml_anchor_replacements_total') >= BigInt(replacements))
    assert.ok(sample('tml_anchor_replacements_total') >= 1n)
    assert.ok(sample('tml_anchor_relayer_balance_wei') > 0n)
    assert.equal(sample('tml_anchor_confirmed_epoch'), 0n)
    assert.ok(sample('tml_anchor_lag_epochs') >= 1n)
    assert.ok(sample('tml_anchor_lag_seconds') >= 1n)
    assert.equal(sample('tml_anchor_rpc_errors_total'), 0n, 'no request failed')
    const last = sent.at(-1) as Sent
    await stop(gw)

    // A crash after recording a replacement, before broadcasting it: the record names a
    // transaction no node has. The one in the mempool is then mined: it is the anchor.
    gw = await start({ ...lane, manual: true })
    const before = await record(gw)
    assert.ok(before)
    await gw.gateway.lane?.store.putAnchor({
      ...before,
      txHash: bytesToHex(new Uint8Array(randomBytes(32))),
      attempts: before.attempts + 1,
      updatedMs: Date.now(),
    })
    await stop(gw)
    await c.rpc('hardhat_setNextBlockBaseFeePerGas', [`0x${(GWEI / 10n).toString(16)}`])
    await c.rpc('evm_mine')
    assert.equal(await headEpoch(f), 1)
    gw = await start()
    const r = await watch(gw, (x) => x.status === 'confirmed')
    assert.equal(r.txHash, last.hash, 'the replaced transaction that was mined')
    assert.equal(r.nonce, nonce0)
    assert.equal(r.attempts, before.attempts + 1, 'not sent again')
    assert.equal(gw.gateway.lane?.chainStatus()[0]?.feeWait, null)
    await stop(gw)
  })
})
