// A worker thread of EntryCheckPool: checks batches of export lines (checkEntryBytes) and hands
// the leaf hashes back without copying them.
import { parentPort, workerData } from 'node:worker_threads'
import type { Hex } from '@tml/core'
import { checkEntryBytes } from './checkEntryLines.ts'
import { createScheduledReceiptVerifier } from './createReceiptVerifier.ts'
import type { ClaimedReceiptKey } from './exportFormat.ts'

const { logId, receiptKeys } = workerData as {
  logId: Hex
  receiptKeys: ClaimedReceiptKey[] | null
}
const verifyReceipt = receiptKeys ? createScheduledReceiptVerifier(receiptKeys) : undefined

parentPort?.on(
  'message',
  ({ id, bytes, firstLine }: { id: number; bytes: Uint8Array; firstLine: number }) => {
    const checked = checkEntryBytes({ bytes, firstLine, logId, verifyReceipt })
    const { leaves, seqs, issued } = checked
    parentPort?.postMessage({ id, checked }, [
      leaves.buffer as ArrayBuffer,
      seqs.buffer as ArrayBuffer,
      issued.buffer as ArrayBuffer,
    ])
  },
)
