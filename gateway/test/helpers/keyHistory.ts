// A checkpoint key history for tests: period 0 = A, rotation 1 = B.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, type Hex, signKeyRotation } from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import { CheckpointKeyHistory } from '../../src/keys/CheckpointKeyHistory.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { tempDir } from './memory.ts'

const LOG_ID: Hex = `0x${'ab'.repeat(32)}`
const RECEIPT: Hex = `0x${'cd'.repeat(32)}`
const A: Hex = `0x${'41'.repeat(32)}`
const B: Hex = `0x${'42'.repeat(32)}`

/**
 * A history with period 0 = A and rotation 1 = B from `fromEpoch`, signed by `signedBy`. With
 * `receipt`, period 0 has that real P-256 receipt key and, with `receipt.next`, rotation 1 brings
 * that new receipt key (file `receipt-1.key`); without it the commitment is a placeholder.
 */
export async function historyWithRotation({
  fromEpoch = 5,
  signedBy = A,
  dir = tempDir(),
  receipt,
}: {
  fromEpoch?: number
  signedBy?: Hex
  dir?: string
  receipt?: { periodZeroKey: Uint8Array; next?: Uint8Array }
} = {}) {
  mkdirSync(dir, { recursive: true })
  const zeroCommitment = receipt
    ? createReceiptSigner(receipt.periodZeroKey).keyCommitment
    : RECEIPT
  const history = new CheckpointKeyHistory({
    dir,
    logId: LOG_ID,
    periodZeroKey: A,
    periodZeroKeyFile: 'checkpoint.key',
    receiptKeyCommitment: zeroCommitment,
    ...(receipt ? { periodZeroReceiptKey: receipt.periodZeroKey } : {}),
  })
  let receiptKey = zeroCommitment
  if (receipt?.next) {
    writeFileSync(join(dir, 'receipt-1.key'), `${bytesToHex(receipt.next)}\n`, { mode: 0o600 })
    receiptKey = createReceiptSigner(receipt.next).keyCommitment
  }
  const b = privateKeyToAccount(B)
  writeFileSync(join(dir, 'checkpoint-1.key'), `${B}\n`, { mode: 0o600 })
  const rotation = {
    logId: LOG_ID,
    index: 1n,
    fromEpoch: BigInt(fromEpoch),
    signer: b.address,
    receiptKey,
  }
  const signature = await signKeyRotation({ rotation, account: privateKeyToAccount(signedBy) })
  history.append({
    index: 1,
    fromEpoch,
    address: b.address,
    keyFile: 'checkpoint-1.key',
    statement: { rotation, signature },
    ...(receipt?.next ? { receiptKeyFile: 'receipt-1.key' } : {}),
  })
  return history
}
