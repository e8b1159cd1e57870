// The thread behind WorkerCommitter: owns the write connection of the SQLite store and the
// receipt key, so that sealing records (SHA-256, RFC 8785, Ed25519) and fsync never block the
// event loop of the HTTP server.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { type Hex, hexToBytes } from '@tml/core'
import { createReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { CommitBatch, SealedRecord } from './Committer.ts'
import type { StoredEntry } from './LogStore.ts'
import { type SqliteFault, SqliteLogStore } from './SqliteLogStore.ts'
import { StoreError } from './StoreError.ts'
import { sealRecord } from './sealRecord.ts'

type Init = { path: string; logId: Hex; receiptKey: Uint8Array }
export type WorkerRequest =
  | { id: number; op: 'commit'; batch: string }
  | { id: number; op: 'probe' }
  | { id: number; op: 'fault'; fault: SqliteFault | null }
  | { id: number; op: 'close' }
export type WorkerResponse =
  | { id: number; ok: true; sealed?: string }
  | { id: number; ok: false; code: string; message: string }

const port = parentPort
if (port) {
  const init = workerData as Init
  const signer = createReceiptSigner(init.receiptKey)
  let store: SqliteLogStore | undefined
  let openError: unknown
  try {
    store = SqliteLogStore.open({ path: init.path, logId: init.logId })
  } catch (e) {
    openError = e
  }
  const reply = (response: WorkerResponse) => port.postMessage(response)
  const fail = (id: number, e: unknown) => {
    const code = e instanceof StoreError ? e.code : 'TML_WORKER'
    reply({ id, ok: false, code, message: (e as Error)?.message ?? String(e) })
  }

  // Group commit across hand-overs: every commit the event loop handed over while the previous
  // transaction ran joins the next one (one fsync), so no batch waits behind another batch.
  const commit = (db: SqliteLogStore, requests: Extract<WorkerRequest, { op: 'commit' }>[]) => {
    try {
      const batches = requests.map((r) => decodeBatch(r.batch))
      const lines = batches.map(() => [] as string[])
      const groups = batches.map((batch, b) => {
        const entries: StoredEntry[] = []
        for (const record of batch.records) {
          const { entry, sealed } = sealRecord({ record, signer })
          entries.push(entry)
          lines[b]?.push(encodeSealed(sealed))
        }
        return { entries, subjectKeys: batch.subjectKeys, erasedLookups: batch.erasedLookups }
      })
      // Crash here: nothing of the group is durable, and nothing of it was answered.
      db.appendGroupSync(groups)
      requests.forEach((r, b) => {
        reply({ id: r.id, ok: true, sealed: lines[b]?.join('\n') ?? '' })
      })
    } catch (e) {
      // All or nothing: the transaction was rolled back, so every batch of the group fails.
      for (const r of requests) fail(r.id, e)
    }
  }

  port.on('message', async (first: WorkerRequest) => {
    const requests = [first]
    for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
      requests.push(next.message as WorkerRequest)
    for (let i = 0; i < requests.length; ) {
      const request = requests[i] as WorkerRequest
      if (request.op === 'commit') {
        let j = i
        while (requests[j]?.op === 'commit') j++
        if (store) commit(store, requests.slice(i, j) as Extract<WorkerRequest, { op: 'commit' }>[])
        else for (const r of requests.slice(i, j)) fail(r.id, openError)
        i = j
        continue
      }
      i++
      try {
        if (!store) throw openError
        if (request.op === 'probe') await store.probe()
        else if (request.op === 'fault') store.injectFault(request.fault ?? undefined)
        else await store.close()
        reply({ id: request.id, ok: true })
      } catch (e) {
        fail(request.id, e)
      }
    }
  })
}

function decodeBatch(text: string): CommitBatch {
  const raw = JSON.parse(text) as {
    records: CommitBatch['records']
    subjectKeys: { lookup: Hex; secret: Hex }[]
    erasedLookups: Hex[]
  }
  return {
    records: raw.records,
    subjectKeys: raw.subjectKeys.map((k) => ({
      lookup: hexToBytes(k.lookup, 32),
      secret: hexToBytes(k.secret, 32),
    })),
    erasedLookups: raw.erasedLookups.map((l) => hexToBytes(l, 32)),
  }
}

/** One line of the answer (see `decodeSealed` in WorkerCommitter): no field holds a space. */
function encodeSealed({ leafHash, signature, derived }: SealedRecord): string {
  if (!derived) return `${leafHash} ${signature}`
  return `${leafHash} ${signature} ${derived.input_hash} ${derived.output_hash ?? 'null'} ${derived.subject}`
}
