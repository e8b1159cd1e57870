import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { bytesToHex, type Hex, hashLeaf, recoverCheckpointSigner, utf8ToBytes } from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import { CheckpointKeyHistory } from '../../src/keys/CheckpointKeyHistory.ts'
import type { StoredEntry } from '../../src/memory/LogStore.ts'
import { Sequencer } from '../../src/sequencer/Sequencer.ts'
import { historyWithRotation } from '../helpers/keyHistory.ts'
import { tempDir } from '../helpers/memory.ts'

const LOG_ID: Hex = `0x${'ab'.repeat(32)}`
const A = privateKeyToAccount(`0x${'41'.repeat(32)}`).address
const B = privateKeyToAccount(`0x${'42'.repeat(32)}`).address

function growingLog() {
  const leaves: Hex[] = []
  return {
    add: () => leaves.push(bytesToHex(hashLeaf(utf8ToBytes(`mtl ${leaves.length}`)))),
    entries: {
      entries: async (from: number, limit: number) =>
        leaves
          .slice(from, from + limit)
          .map((leafHash, i) => ({ seq: from + i, leafHash }) as StoredEntry),
    },
  }
}

async function signerOf(store: SqliteAnchorStore, epoch: number) {
  const cp = await store.checkpoint(epoch)
  assert.ok(cp)
  return recoverCheckpointSigner({
    checkpoint: {
      logId: LOG_ID,
      epoch: BigInt(epoch),
      treeSize: BigInt(cp.treeSize),
      rootHash: cp.rootHash,
      timestamp: BigInt(cp.timestamp),
    },
    signature: cp.signature,
  })
}

describe('Sequencer with a key history', () => {
  test('behavior: epochs before the rotation are signed by A, from its first epoch by B, the history being written while it runs', async () => {
    const dir = tempDir()
    const store = SqliteAnchorStore.open({ path: join(dir, 'log.db') })
    const history = new CheckpointKeyHistory({
      dir,
      logId: LOG_ID,
      periodZeroKey: `0x${'41'.repeat(32)}`,
      periodZeroKeyFile: 'checkpoint.key',
      receiptKeyCommitment: `0x${'cd'.repeat(32)}`,
    })
    const log = growingLog()
    const seq = new Sequencer({ logId: LOG_ID, entries: log.entries, store, signer: history })
    for (let i = 0; i < 2; i++) {
      log.add()
      await seq.closeNow()
    }
    await historyWithRotation({ fromEpoch: 4, dir })
    for (let i = 0; i < 3; i++) {
      log.add()
      await seq.closeNow()
    }
    assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((e) => signerOf(store, e))), [
      A,
      A,
      A,
      B,
      B,
    ])
  })

  test('error: a rotation whose first epoch the store holds signed by the old key is refused (signing nothing)', async () => {
    const dir = tempDir()
    const store = SqliteAnchorStore.open({ path: join(dir, 'log.db') })
    const log = growingLog()
    const a = new Sequencer({
      logId: LOG_ID,
      entries: log.entries,
      store,
      signer: privateKeyToAccount(`0x${'41'.repeat(32)}`),
    })
    for (let i = 0; i < 3; i++) {
      log.add()
      await a.closeNow()
    }
    // The history says B from epoch 3, but epoch 3 is already A's: the rotation came too late.
    const history = await historyWithRotation({ fromEpoch: 3, dir })
    const seq = new Sequencer({ logId: LOG_ID, entries: log.entries, store, signer: history })
    log.add()
    await assert.rejects(seq.closeNow(), /starts at epoch 3, which this store holds signed by 0x/)
    assert.equal((await store.latestCheckpoint())?.epoch, 3)
    // Once the never-relayed rotation is taken back, the old key carries on.
    history.removeLast(1)
    assert.equal((await seq.closeNow())?.epoch, 4)
    assert.equal(await signerOf(store, 4), A)
  })
})
