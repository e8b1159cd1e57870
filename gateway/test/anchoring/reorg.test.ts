// A reorg as the chain sees it: the local node reverts to a snapshot taken before the anchor was
// mined, while the anchor had fewer confirmations than the chain requires.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { AnchorRecord } from '../../src/anchoring/AnchorStore.ts'
import {
  type AnchoredGateway,
  eventually,
  postDecision,
  startAnchoredGateway,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../e2e/localChains.ts'
import { tempDir } from '../helpers/memory.ts'
import { headEpoch, oneChainConfig, useOneChain } from './oneChain.ts'

type Answer = { seq: number; state: number }

describe('an anchor reorganized away before its confirmations', () => {
  const fixture = useOneChain()

  test('behavior: detected, sent again at the same nonce, confirmed once 3 blocks hold it; attempts show it', async (t) => {
    const f = fixture()
    const c = f.chains[0]
    assert.ok(c)
    const node = createPublicClient({ transport: http(c.nodeUrl) })
    const relayer = privateKeyToAccount(DEV_KEYS.relayer).address
    const nonce0 = await node.getTransactionCount({ address: relayer, blockTag: 'latest' })
    const gw: AnchoredGateway = await startAnchoredGateway(
      f,
      {
        chains: [oneChainConfig(f, { confirmations: 3, replaceAfterMs: 300 })],
        epochSize: 1,
      },
      tempDir(),
    )
    t.after(() => gw.close())
    const lane = gw.gateway.lane
    assert.ok(lane)
    const record = async (): Promise<AnchorRecord | undefined> =>
      await lane.store.anchor(1, c.chainId, c.registry)

    const snapshot = await c.rpc('evm_snapshot')
    const a = await postDecision<Answer>(gw, { profile: 'finance' })
    // Mined (the node mines on send) with 1 confirmation of the 3 required.
    const mined = await eventually(
      async () => {
        const r = await record()
        return r?.blockNumber !== null && r?.blockNumber !== undefined ? r : undefined
      },
      20_000,
      'anchor mined',
    )
    assert.equal(mined.status, 'sent')
    assert.equal(mined.attempts, 1)
    assert.equal(mined.nonce, nonce0)
    assert.equal(await headEpoch(f), 1)
    assert.equal(lane.isAnchored(a.seq), false, 'not anchored before its confirmations')

    // The reorg: the block holding the anchor is gone, and its transaction with it.
    assert.equal(await c.rpc('evm_revert', [snapshot]), true)
    assert.equal(await headEpoch(f), 0)
    const minedTx = mined.txHash
    assert.ok(minedTx)
    assert.equal(await node.getTransaction({ hash: minedTx }).catch(() => null), null)

    // Blocks come; the anchorer notices, sends again, and the new anchor gathers 3 blocks.
    const confirmed = await eventually(
      async () => {
        await c.rpc('evm_mine')
        const r = await record()
        return r?.status === 'confirmed' ? r : undefined
      },
      30_000,
      'confirmed after the reorg',
    )
    assert.equal(confirmed.attempts, 2, 'sent twice')
    assert.equal(confirmed.nonce, nonce0, 'at the nonce the reorg gave back')
    assert.ok((confirmed.confirmations ?? 0) >= 3)
    assert.equal(await headEpoch(f), 1)
    assert.equal(
      await node.getTransactionCount({ address: relayer, blockTag: 'latest' }),
      nonce0 + 1,
    )
    await eventually(() => (lane.isAnchored(a.seq) ? true : undefined), 20_000, 'anchored')
  })
})
