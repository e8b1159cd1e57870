// The thread behind WorkerCommitter: owns the write connection of the SQLite store and the
// receipt key, so that Ed25519 signing and fsync never block the event loop of the HTTP server.
import { parentPort, workerData } from 'node:worker_threads'
import { type Hex, hexToBytes } from '@tml/core'
import { createReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { CommitBatch } from './Committer.ts'
import { InlineCommitter } from './InlineCommitter.ts'
import { SqliteLogStore } from './SqliteLogStore.ts'
import { StoreError } from './StoreError.ts'

type Init = { path: string; logId: Hex; receiptKey: Uint8Array }
export type WorkerRequest =
  | { id: number; op: 'commit'; batch: string }
  | { id: number; op: 'probe' }
  | { id: number; op: 'close' }
export type WorkerResponse =
  | { id: number; ok: true; signatures?: Hex[] }
  | { id: number; ok: false; code: string; message: string }

const port = parentPort
if (port) {
  const init = workerData as Init
  let store: SqliteLogStore | undefined
  let committer: InlineCommitter | undefined
  let openError: unknown
  try {
    store = SqliteLogStore.open({ path: init.path, logId: init.logId })
    committer = new InlineCommitter({ store, signer: createReceiptSigner(init.receiptKey) })
  } catch (e) {
    openError = e
  }
  port.on('message', async (request: WorkerRequest) => {
    try {
      if (!store || !committer) throw openError
      if (request.op === 'commit') {
        const signatures = await committer.commit(decodeBatch(request.batch))
        port.postMessage({ id: request.id, ok: true, signatures } satisfies WorkerResponse)
      } else if (request.op === 'probe') {
        await committer.probe()
        port.postMessage({ id: request.id, ok: true } satisfies WorkerResponse)
      } else {
        await store.close()
        port.postMessage({ id: request.id, ok: true } satisfies WorkerResponse)
      }
    } catch (e) {
      const code = e instanceof StoreError ? e.code : 'TML_WORKER'
      port.postMessage({
        id: request.id,
        ok: false,
        code,
        message: (e as Error)?.message ?? String(e),
      } satisfies WorkerResponse)
    }
  })
}

function decodeBatch(text: string): CommitBatch {
  const raw = JSON.parse(text) as {
    entries: CommitBatch['entries']
    subjectKeys: { lookup: Hex; secret: Hex }[]
    erasedLookups: Hex[]
  }
  return {
    entries: raw.entries,
    subjectKeys: raw.subjectKeys.map((k) => ({
      lookup: hexToBytes(k.lookup, 32),
      secret: hexToBytes(k.secret, 32),
    })),
    erasedLookups: raw.erasedLookups.map((l) => hexToBytes(l, 32)),
  }
}
