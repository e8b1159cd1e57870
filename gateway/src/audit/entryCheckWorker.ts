// A worker thread of EntryCheckPool: checks batches of export lines (checkEntryBytes) and hands
// the leaf hashes back without copying them.
import { parentPort, workerData } from 'node:worker_threads'
import type { Hex } from '@tml/core'
import { checkEntryBytes } from './checkEntryLines.ts'
import { createReceiptVerifier } from './createReceiptVerifier.ts'

const { logId, receiptKey } = workerData as { logId: Hex; receiptKey: Hex | null }
const verifyReceipt = receiptKey ? createReceiptVerifier(receiptKey) : undefined

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
