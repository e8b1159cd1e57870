// The thread behind WorkerCommitter: owns the write connection of the SQLite store and the
// receipt key, so that sealing records (SHA-256, RFC 8785, P-256) and fsync never block the
// event loop of the HTTP server.
import { parentPort, workerData } from 'node:worker_threads'
import { type Hex, hexToBytes } from '@tml/core'
import { ReceiptKeySchedule, type ReceiptKeyStart } from '../keys/ReceiptKeySchedule.ts'
import type { CommitBatch, SealedRecord } from './Committer.ts'
import type { StoredEntry } from './LogStore.ts'
import { type SqliteFault, SqliteLogStore } from './SqliteLogStore.ts'
import { StoreError } from './StoreError.ts'
import { sealRecord } from './sealRecord.ts'

type Init = {
  path: string
  logId: Hex
  receiptKeys: ReceiptKeyStart[]
  integrityChecked: boolean
}
export type WorkerRequest =
  | { id: number; op: 'commit'; batch: string }
  | { id: number; op: 'receiptKey'; start: ReceiptKeyStart }
  | { id: number; op: 'probe' }
  | { id: number; op: 'fault'; fault: SqliteFault | null }
  | { id: number; op: 'close' }
export type WorkerResponse =
  | { id: number; ok: true; sealed?: string }
  | { id: number; ok: false; code: string; message: string }

const port = parentPort
if (port) {
  const init = workerData as Init
  const keys = new ReceiptKeySchedule(init.receiptKeys)
  let store: SqliteLogStore | undefined
  let openError: unknown
  try {
    store = SqliteLogStore.open({
      path: init.path,
      logId: init.logId,
      integrityChecked: init.integrityChecked,
    })
  } catch (e) {
    openError = e
  }
  const reply = (response: WorkerResponse) => port.postMessage(response)
  port.on('message', async (request: WorkerRequest) => {
    try {
      if (request.op === 'receiptKey') {
        // No answer: the sender does not wait. A start that does not follow the last one would
        // sign receipts with the wrong key: end the worker instead, so that commits fail closed.
        try {
          keys.add(request.start)
        } catch {
          process.exit(1)
        }
        return
      }
      if (!store) throw openError
      if (request.op === 'commit') {
        const batch = decodeBatch(request.batch)
        const entries: StoredEntry[] = []
        const lines: string[] = []
        for (const record of batch.records) {
          const { entry, sealed } = sealRecord({ record, signer: keys.signerFor(record.mtl.seq) })
          entries.push(entry)
          lines.push(encodeSealed(sealed))
        }
        // Crash here: nothing of the batch is durable, and nothing of it was answered.
        store.appendSync({
          entries,
          subjectKeys: batch.subjectKeys,
          erasedLookups: batch.erasedLookups,
        })
        reply({ id: request.id, ok: true, sealed: lines.join('\n') })
      } else if (request.op === 'probe') {
        await store.probe()
        reply({ id: request.id, ok: true })
      } else if (request.op === 'fault') {
        store.injectFault(request.fault ?? undefined)
        reply({ id: request.id, ok: true })
      } else {
        await store.close()
        reply({ id: request.id, ok: true })
      }
    } catch (e) {
      const code = e instanceof StoreError ? e.code : 'TML_WORKER'
      reply({ id: request.id, ok: false, code, message: (e as Error)?.message ?? String(e) })
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
