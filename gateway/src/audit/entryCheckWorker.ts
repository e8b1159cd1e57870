// A worker thread of EntryCheckPool: checks batches of export lines (checkEntryBytes) and hands
// the leaf hashes back without copying them.
import { parentPort, workerData } from 'node:worker_threads'
import type { Hex } from '@tml/core'
import { checkEntryBytes } from './checkEntryLines.ts'
import { createScheduledReceiptVerifier } from './createReceiptVerifier.ts'
import type { ClaimedReceiptKey } from './exportFormat.ts'

const { logId, receiptKeys, sampleRate } = workerData as {
  logId: Hex
  receiptKeys: ClaimedReceiptKey[] | null
  /** Share of receipt signatures checked at random besides the pinned ones; null: all. */
  sampleRate: number | null
}
const sample = sampleRate === null ? undefined : { rate: sampleRate }
const verifyReceipt = receiptKeys ? createScheduledReceiptVerifier(receiptKeys) : undefined

parentPort?.on(
  'message',
  ({ id, bytes, firstLine }: { id: number; bytes: Uint8Array; firstLine: number }) => {
    const checked = checkEntryBytes({ bytes, firstLine, logId, verifyReceipt, sample })
    const { leaves, seqs, issued } = checked
    parentPort?.postMessage({ id, checked }, [
      leaves.buffer as ArrayBuffer,
      seqs.buffer as ArrayBuffer,
      issued.buffer as ArrayBuffer,
    ])
  },
)
