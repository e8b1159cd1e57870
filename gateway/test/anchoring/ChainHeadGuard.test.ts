import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { Hex } from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import type { StoredCheckpoint } from '../../src/anchoring/AnchorStore.ts'
import { type ChainHead, ChainHeadGuard } from '../../src/anchoring/ChainHeadGuard.ts'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import type { StoredEntry } from '../../src/memory/LogStore.ts'
import { Sequencer } from '../../src/sequencer/Sequencer.ts'
import { tempDir } from '../helpers/memory.ts'

const root = (b: string): Hex => `0x${b.repeat(32)}`

function storeOf(checkpoints: StoredCheckpoint[]) {
  return {
    checkpoint: async (epoch: number) => checkpoints.find((c) => c.epoch === epoch),
    latestCheckpoint: async () => checkpoints.at(-1),
  }
}

const cp = (epoch: number, treeSize: number, r: string): StoredCheckpoint => ({
  epoch,
  treeSize,
  rootHash: root(r),
  timestamp: 1_700_000_000 + epoch,
  signature: '0x',
  createdMs: 0,
})
const headOf = (c: StoredCheckpoint): ChainHead => ({
  epoch: c.epoch,
  treeSize: c.treeSize,
  rootHash: c.rootHash,
  timestamp: c.timestamp,
})

const stored = [cp(1, 2, 'aa'), cp(2, 5, 'bb')]

describe('ChainHeadGuard', () => {
  test('default: clear when every chain is behind or at the store, with the same checkpoint', async () => {
    const guard = new ChainHeadGuard({
      chains: [
        { name: 'ethereum', readHead: async () => headOf(stored[1] as StoredCheckpoint) },
        { name: 'polygon', readHead: async () => headOf(stored[0] as StoredCheckpoint) },
        {
          name: 'fresh',
          readHead: async () => ({ epoch: 0, treeSize: 0, rootHash: root('00'), timestamp: 0 }),
        },
      ],
      store: storeOf(stored),
    })
    assert.equal(guard.verdict.state, 'unknown', 'nothing is known before the first check')
    assert.equal(await guard.clearToSign(), true)
  })

  test('behavior: a chain ahead of the store, or holding another root, size or time for an epoch, contradicts it for good', async () => {
    const cases: [string, ChainHead, RegExp][] = [
      [
        'ahead',
        { epoch: 3, treeSize: 9, rootHash: root('cc'), timestamp: 1 },
        /chain ethereum is ahead of this store: it holds epoch 3 \(tree size 9, root 0xcc.*\), this store's latest checkpoint is epoch 2 \(tree size 5\)/,
      ],
      [
        'root',
        { ...headOf(stored[1] as StoredCheckpoint), rootHash: root('dd') },
        /chain ethereum holds another checkpoint for epoch 2: root 0xdd\S* there, 0xbb\S* here/,
      ],
      [
        'size',
        { ...headOf(stored[1] as StoredCheckpoint), treeSize: 6 },
        /epoch 2: tree size 6 there, 5 here/,
      ],
      [
        'time',
        { ...headOf(stored[1] as StoredCheckpoint), timestamp: 5 },
        /epoch 2: timestamp 5 there, 1700000002 here/,
      ],
    ]
    for (const [what, head, reason] of cases) {
      const events: { level: string; message: string; reason?: unknown }[] = []
      let answer = head
      const guard = new ChainHeadGuard({
        chains: [{ name: 'ethereum', readHead: async () => answer }],
        store: storeOf(stored),
        onEvent: (e) => events.push(e),
      })
      assert.equal(await guard.clearToSign(), false, what)
      const { verdict } = guard
      assert.equal(verdict.state, 'contradicted', what)
      assert.match(verdict.state === 'contradicted' ? verdict.reason : '', reason, what)
      const error = events.find((e) => e.level === 'error')
      assert.match(error?.message ?? '', /signing nothing and answering -1 LEDGER\. To recover/)
      // Final for the run: the chain agreeing again later does not clear it.
      answer = headOf(stored[1] as StoredCheckpoint)
      assert.equal(await guard.clearToSign(), false, `${what}: stays contradicted`)
    }
  })

  test('behavior: an empty store against a chain that holds epochs is contradicted', async () => {
    const guard = new ChainHeadGuard({
      chains: [{ name: 'polygon', readHead: async () => headOf(stored[0] as StoredCheckpoint) }],
      store: storeOf([]),
    })
    assert.equal(await guard.clearToSign(), false)
    assert.match(
      guard.verdict.state === 'contradicted' ? guard.verdict.reason : '',
      /polygon is ahead of this store: .* latest checkpoint is none/,
    )
  })

  test('errors: a chain never read keeps it unknown (nothing signed); once read, its last head stands in while its RPC fails', async () => {
    let up = false
    const guard = new ChainHeadGuard({
      chains: [
        { name: 'ethereum', readHead: async () => headOf(stored[1] as StoredCheckpoint) },
        {
          name: 'polygon',
          readHead: async () => {
            if (!up) throw new Error('HTTP request failed: 503')
            return headOf(stored[1] as StoredCheckpoint)
          },
        },
      ],
      store: storeOf(stored),
    })
    assert.equal(await guard.clearToSign(), false)
    assert.equal(guard.verdict.state, 'unknown')
    assert.match(
      guard.verdict.state === 'unknown' ? guard.verdict.reason : '',
      /head of polygon \(HTTP request failed: 503\) could not be read/,
    )
    up = true
    assert.equal(await guard.clearToSign(), true)
    up = false
    assert.equal(await guard.clearToSign(), true, 'the last head read stands in')
  })

  test('behavior: the sequencer signs nothing while the guard refuses, and leaves the store as it was', async () => {
    const store = SqliteAnchorStore.open({ path: join(tempDir(), 'log.db') })
    let clear = false
    const sequencer = new Sequencer({
      logId: root('ab'),
      entries: {
        entries: async (from: number, limit: number) =>
          from === 0 && limit > 0
            ? [
                { seq: 0, leafHash: root('11') } as StoredEntry,
                { seq: 1, leafHash: root('22') } as StoredEntry,
              ]
            : [],
      },
      store,
      signer: privateKeyToAccount(root('42')),
      epochSize: 1,
      guard: { clearToSign: async () => clear },
    })
    assert.equal(await sequencer.tick(), undefined)
    assert.equal(await store.latestCheckpoint(), undefined)
    assert.equal(await store.intent(), undefined, 'no intent is committed either')
    clear = true
    assert.equal((await sequencer.tick())?.epoch, 1)
    await store.close()
  })
})
