import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  buildConsistencyProof,
  buildInclusionProof,
  bytesToHex,
  CompactTree,
  type Hex,
  hashLeaf,
  hexToBytes,
  recoverCheckpointSigner,
  utf8ToBytes,
  verifyConsistency,
  verifyInclusion,
} from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import type { StoredEntry } from '../../src/memory/LogStore.ts'
import { Sequencer, type SequencerCrashPoint } from '../../src/sequencer/Sequencer.ts'
import { tempDir } from '../helpers/memory.ts'

const LOG_ID: Hex = `0x${'ab'.repeat(32)}`
const KEY: Hex = `0x${'42'.repeat(32)}`
const signer = privateKeyToAccount(KEY)

function log(n: number) {
  const leaves: Hex[] = Array.from({ length: n }, (_, i) =>
    bytesToHex(hashLeaf(utf8ToBytes(`mtl ${i}`))),
  )
  return {
    leaves,
    grow(k: number) {
      for (let i = 0; i < k; i++)
        leaves.push(bytesToHex(hashLeaf(utf8ToBytes(`mtl ${leaves.length}`))))
    },
    entries: {
      entries: async (from: number, limit: number) =>
        leaves
          .slice(from, from + limit)
          .map((leafHash, i) => ({ seq: from + i, leafHash }) as StoredEntry),
    },
  }
}

function rootOf(leaves: readonly Hex[]): Hex {
  const tree = new CompactTree()
  for (const l of leaves) tree.append(hexToBytes(l, 32))
  return bytesToHex(tree.root())
}

describe('Sequencer', () => {
  test('default: integrates, persists nodes, closes signed epochs on size', async () => {
    const l = log(10)
    const store = SqliteAnchorStore.open({ path: join(tempDir(), 'log.db') })
    const seq = new Sequencer({
      logId: LOG_ID,
      entries: l.entries,
      store,
      signer,
      epochSize: 5,
      batch: 3,
    })
    const cp = await seq.tick()
    assert.ok(cp)
    assert.equal(cp.epoch, 1)
    assert.equal(cp.treeSize, 10)
    assert.equal(cp.rootHash, rootOf(l.leaves))
    assert.equal(await store.treeSize(), 10)
    const recovered = await recoverCheckpointSigner({
      checkpoint: {
        logId: LOG_ID,
        epoch: 1n,
        treeSize: 10n,
        rootHash: cp.rootHash,
        timestamp: BigInt(cp.timestamp),
      },
      signature: cp.signature,
    })
    assert.equal(recovered, signer.address)
    // Proofs come from the stored nodes alone.
    const proof = await buildInclusionProof({ leafIndex: 7, treeSize: 10, store })
    assert.equal(
      verifyInclusion({
        leafIndex: 7,
        treeSize: 10,
        leafHash: hexToBytes(l.leaves[7] as Hex, 32),
        proof,
        root: hexToBytes(cp.rootHash, 32),
      }),
      true,
    )
    assert.equal(await seq.tick(), undefined, 'no growth, no period: no epoch')
    l.grow(7)
    const cp2 = await seq.tick()
    assert.equal(cp2?.epoch, 2)
    assert.equal(cp2?.treeSize, 17)
    const cons = await buildConsistencyProof({ size1: 10, size2: 17, store })
    assert.equal(
      verifyConsistency({
        size1: 10,
        size2: 17,
        root1: hexToBytes(cp.rootHash, 32),
        root2: hexToBytes(cp2?.rootHash as Hex, 32),
        proof: cons,
      }),
      true,
    )
    await store.close()
  })

  test('behavior: period closes a grown epoch; an idle log still checkpoints', async () => {
    let now = 1_700_000_000_000
    const l = log(1)
    const store = SqliteAnchorStore.open({ path: join(tempDir(), 'log.db') })
    const seq = new Sequencer({
      logId: LOG_ID,
      entries: l.entries,
      store,
      signer,
      epochPeriodMs: 1000,
      epochSize: 100,
      idleCheckpointMs: 5000,
      clock: () => now,
    })
    assert.equal(await seq.tick(), undefined)
    now += 1000
    assert.equal((await seq.tick())?.epoch, 1)
    now += 4000
    assert.equal(await seq.tick(), undefined, 'idle, within the interval')
    now += 1000
    const idle = await seq.tick()
    assert.equal(idle?.epoch, 2)
    assert.equal(idle?.treeSize, 1, 'same tree, a new epoch: silence is visible')
    await store.close()
  })

  for (const point of ['afterNodes', 'afterIntent', 'afterSign'] as SequencerCrashPoint[]) {
    test(`behavior: a crash at ${point} loses nothing and never signs two checkpoints for one epoch`, async () => {
      const path = join(tempDir(), 'log.db')
      const l = log(6)
      let now = 1_700_000_000_000
      const crashing = SqliteAnchorStore.open({ path })
      const first = new Sequencer({
        logId: LOG_ID,
        entries: l.entries,
        store: crashing,
        signer,
        epochSize: 1,
        clock: () => now,
        crashPoint: (p) => {
          if (p === point) throw new Error(`crash at ${p}`)
        },
      })
      await assert.rejects(first.tick(), new RegExp(`crash at ${point}`))
      await crashing.close()
      // Restart later, with more entries in: the intent (if any) wins over the new state.
      now += 10_000
      l.grow(3)
      const store = SqliteAnchorStore.open({ path })
      const second = new Sequencer({
        logId: LOG_ID,
        entries: l.entries,
        store,
        signer,
        epochSize: 1,
        clock: () => now,
      })
      const cp = await second.tick()
      assert.equal(cp?.epoch, 1)
      if (point === 'afterNodes') {
        assert.equal(cp?.treeSize, 9)
      } else {
        assert.equal(cp?.treeSize, 6, 'the committed intent is what gets signed')
        assert.equal(cp?.timestamp, Math.floor((now - 10_000) / 1000))
      }
      assert.equal(cp?.rootHash, rootOf(l.leaves.slice(0, cp?.treeSize)))
      const cp2 = await second.tick()
      assert.equal((await store.checkpoints(1, 10)).filter((c) => c.epoch === 1).length, 1)
      if (point !== 'afterNodes') assert.equal(cp2?.treeSize, 9)
      await store.close()
    })
  }

  test('errors: a second, different checkpoint for an epoch is refused by the store', async () => {
    const store = SqliteAnchorStore.open({ path: join(tempDir(), 'log.db') })
    const cp = {
      epoch: 1,
      treeSize: 1,
      rootHash: `0x${'01'.repeat(32)}` as Hex,
      timestamp: 1,
      signature: `0x${'02'.repeat(65)}` as Hex,
      createdMs: 1,
    }
    await store.putCheckpoint(cp)
    await store.putCheckpoint(cp)
    await assert.rejects(
      store.putCheckpoint({ ...cp, treeSize: 2 }),
      /already holds another checkpoint/,
    )
    await assert.rejects(
      store.putIntent({ epoch: 1, treeSize: 2, rootHash: cp.rootHash, timestamp: 1 }),
      /already signed/,
    )
    await store.close()
  })
})
