// The thread behind WorkerCommitter: owns the write connection of the SQLite store and the
// receipt key, so that sealing records (SHA-256, RFC 8785, P-256) and fsync never block the
// event loop of the HTTP server.
import { parentPort, workerData } from 'node:worker_threads'
import { type Hex, hexToBytes } from '@tml/core'
import { ReceiptKeySchedule, type ReceiptKeyStart } from '../keys/ReceiptKeySchedule.ts'
import type { CustodianSet } from '../vault/Custodian.ts'
import { EpochKeyRing } from '../vault/EpochKeyRing.ts'
import { SqliteVaultStore } from '../vault/SqliteVaultStore.ts'
import type { CommitBatch, SealedRecord } from './Committer.ts'
import { type SqliteFault, SqliteLogStore } from './SqliteLogStore.ts'
import { StoreError } from './StoreError.ts'
import { sealBatch } from './sealBatch.ts'

type Init = {
  path: string
  logId: Hex
  receiptKeys: ReceiptKeyStart[]
  integrityChecked: boolean
  /** The sealed evidence vault, when on: its custodians and how long one epoch key seals. */
  vault?: { set: CustodianSet; periodMs: number }
}
export type WorkerRequest =
  | { id: number; op: 'commit'; batch: string }
  | { id: number; op: 'receiptKey'; start: ReceiptKeyStart }
  | { id: number; op: 'probe' }
  | { id: number; op: 'fault'; fault: SqliteFault | null }
  | { id: number; op: 'close' }
  | { id: number; op: 'custodians'; set: CustodianSet }
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
  // The vault's epoch keys live on this thread only: the event loop never holds one.
  let ring: EpochKeyRing | undefined
  let vault: SqliteVaultStore | undefined
  let ringStart: Promise<void> | undefined
  if (store && init.vault) {
    const logStore = store
    vault = new SqliteVaultStore(() => logStore.connection)
    ring = new EpochKeyRing({
      logId: init.logId,
      set: init.vault.set,
      periodMs: init.vault.periodMs,
      store: vault,
    })
    ringStart = ring.start()
    // Reported by the probe (and so by WorkerCommitter.start), not as an unhandled rejection.
    ringStart.catch(() => {})
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
        const { entries, sealed, vaultBatches } = sealBatch({
          records: batch.records,
          signerFor: (seq) => keys.signerFor(seq),
          ...(ring ? { vault: ring } : {}),
        })
        // Crash here: nothing of the batch is durable, and nothing of it was answered.
        store.appendSync(
          {
            entries,
            subjectKeys: batch.subjectKeys,
            erasedLookups: batch.erasedLookups,
          },
          // The sealed envelopes commit in the same transaction as the MTLs that name them.
          vaultBatches.length === 0 ? undefined : () => vault?.writeSealed(vaultBatches),
        )
        reply({ id: request.id, ok: true, sealed: sealed.map(encodeSealed).join('\n') })
      } else if (request.op === 'probe') {
        if (ring && ringStart) {
          // A first epoch key that could not be prepared (store down at start) is retried here.
          const current = ringStart
          await current.catch(() => {
            if (ringStart === current) ringStart = ring?.start()
            return ringStart
          })
        }
        await store.probe()
        reply({ id: request.id, ok: true })
      } else if (request.op === 'custodians') {
        // A new declaration on chain: epoch keys from the next epoch on are wrapped to it.
        ring?.setCustodians(request.set)
        reply({ id: request.id, ok: true })
      } else if (request.op === 'fault') {
        store.injectFault(request.fault ?? undefined)
        reply({ id: request.id, ok: true })
      } else {
        ring?.close()
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

/**
 * One line of the answer (see `decodeSealed` in WorkerCommitter): no field holds a space; the
 * evidence seal, when there is one, is last.
 */
function encodeSealed({ leafHash, signature, derived, evidenceSeal }: SealedRecord): string {
  const seal = evidenceSeal === undefined ? '' : ` ${evidenceSeal}`
  if (!derived) return `${leafHash} ${signature}${seal}`
  return `${leafHash} ${signature} ${derived.input_hash} ${derived.output_hash ?? 'null'} ${derived.subject}${seal}`
}
