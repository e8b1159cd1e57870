// The SQLite anchoring store against the AnchorStore behaviour suite, on real database files.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { bytesToHex, hashLeaf, utf8ToBytes } from '@tml/core'
import type { AnchorStore, CheckpointIntent } from '../../src/anchoring/AnchorStore.ts'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import { tempDir } from '../helpers/memory.ts'
import { describeAnchorStore } from './anchorStoreConformance.ts'

const require = createRequire(import.meta.url)
const paths = new WeakMap<AnchorStore, string>()

describeAnchorStore('SqliteAnchorStore', {
  async fresh() {
    const path = join(tempDir('tml-anchor-store-'), 'log.db')
    const store = SqliteAnchorStore.open({ path })
    paths.set(store, path)
    return store
  },
  async reopen(store) {
    return SqliteAnchorStore.open({ path: paths.get(store) as string })
  },
})

describe('SqliteAnchorStore beside the commit worker', () => {
  test('errors: a checkpoint stored while another connection keeps committing is never refused as busy', async () => {
    // The commit worker writes the same file from another thread. A store transaction that reads
    // (the intent, the checkpoint) before it writes must take the write lock first: a deferred
    // one whose snapshot predates the worker's last commit fails at once with SQLITE_BUSY,
    // without waiting busy_timeout, and the sequencer's round fails with it.
    const path = join(tempDir('tml-anchor-busy-'), 'log.db')
    const store = SqliteAnchorStore.open({ path })
    const writer = new Worker(
      `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))})
       const { workerData, parentPort } = require('node:worker_threads')
       const db = new Database(workerData)
       db.pragma('busy_timeout = 5000')
       const put = db.prepare('INSERT INTO probe (id, at_ms) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms')
       let stop = false
       parentPort.on('message', () => { stop = true })
       parentPort.postMessage('ready')
       // Commits in bursts, turning the event loop between them to hear "stop".
       const loop = () => {
         for (let i = 0; i < 200 && !stop; i++) put.run(Date.now())
         if (!stop) return setImmediate(loop)
         db.close()
         parentPort.close()
       }
       loop()`,
      { eval: true, workerData: path },
    )
    await once(writer, 'message')
    try {
      for (let epoch = 1; epoch <= 300; epoch++) {
        const c = checkpoint(epoch)
        await store.putIntent(c)
        await store.putCheckpoint({ ...c, signature: `0x${'ab'.repeat(65)}`, createdMs: epoch })
      }
      assert.equal((await store.checkpoint(300))?.epoch, 300)
    } finally {
      writer.postMessage('stop')
      await once(writer, 'exit')
      await store.close()
    }
  })
})

function checkpoint(epoch: number): CheckpointIntent {
  return {
    epoch,
    treeSize: epoch,
    rootHash: bytesToHex(hashLeaf(utf8ToBytes(`root ${epoch}`))),
    timestamp: 1_700_000_000 + epoch,
  }
}
