import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { type Hex, signKeyRotation } from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import { CHECKPOINT_KEYS_FILE, CheckpointKeyHistory } from '../../src/keys/CheckpointKeyHistory.ts'
import { KeysError } from '../../src/keys/KeysError.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { historyWithRotation } from '../helpers/keyHistory.ts'
import { tempDir } from '../helpers/memory.ts'

const LOG_ID: Hex = `0x${'ab'.repeat(32)}`
const RECEIPT: Hex = `0x${'cd'.repeat(32)}`
const A: Hex = `0x${'41'.repeat(32)}`
const B: Hex = `0x${'42'.repeat(32)}`
const C: Hex = `0x${'43'.repeat(32)}`

describe('CheckpointKeyHistory', () => {
  test('default: without checkpoint-keys.json the history is period 0 alone, from epoch 1', async () => {
    const history = new CheckpointKeyHistory({
      dir: tempDir(),
      logId: LOG_ID,
      periodZeroKey: A,
      periodZeroKeyFile: undefined,
      receiptKeyCommitment: RECEIPT,
    })
    const periods = await history.verify()
    assert.equal(periods.length, 1)
    assert.equal((await history.signerFor(1_000)).account.address, privateKeyToAccount(A).address)
  })

  test('behavior: each epoch gets the key of the period covering it; the file is re-read on every call', async () => {
    const history = await historyWithRotation({ fromEpoch: 5 })
    const a = privateKeyToAccount(A).address
    const b = privateKeyToAccount(B).address
    assert.equal((await history.signerFor(4)).account.address, a)
    const five = await history.signerFor(5)
    assert.deepEqual([five.index, five.fromEpoch, five.account.address], [1, 5, b])
    assert.deepEqual(history.addresses(), [a, b])
    // A second instance (the running gateway) sees what another wrote.
    const c = privateKeyToAccount(C)
    writeFileSync(join(history.dir, 'checkpoint-2.key'), `${C}\n`, { mode: 0o600 })
    const rotation = {
      logId: LOG_ID,
      index: 2n,
      fromEpoch: 9n,
      signer: c.address,
      receiptKey: RECEIPT,
    }
    const signature = await signKeyRotation({ rotation, account: privateKeyToAccount(B) })
    history.append({
      index: 2,
      fromEpoch: 9,
      address: c.address,
      keyFile: 'checkpoint-2.key',
      statement: { rotation, signature },
    })
    const other = new CheckpointKeyHistory({
      dir: history.dir,
      logId: LOG_ID,
      periodZeroKey: A,
      periodZeroKeyFile: 'checkpoint.key',
      receiptKeyCommitment: RECEIPT,
    })
    assert.equal((await other.signerFor(8)).account.address, b)
    assert.equal((await other.signerFor(9)).account.address, c.address)
    other.removeLast(2)
    assert.equal((await history.signerFor(9)).account.address, b)
  })

  test('error: a statement not signed by the previous period key is refused, nothing signs', async () => {
    const history = await historyWithRotation({ signedBy: C })
    await assert.rejects(
      history.signerFor(1),
      (e) =>
        e instanceof KeysError && /signed by 0x[0-9a-fA-F]{40}, not by period 0/.test(e.message),
    )
  })

  test('error: a key file holding another key, a statement naming another receipt key, a reused signer', async () => {
    const history = await historyWithRotation()
    writeFileSync(join(history.dir, 'checkpoint-1.key'), `${C}\n`)
    await assert.rejects(history.signerFor(5), /holds the key of .*, not period 1/)
    const text = readFileSync(history.path, 'utf8')
    writeFileSync(history.path, text.replace(RECEIPT.slice(2), 'ee'.repeat(32)))
    assert.throws(() => history.periods(), /names receipt key 0xee/)
    writeFileSync(
      history.path,
      text.replaceAll(privateKeyToAccount(B).address, privateKeyToAccount(A).address),
    )
    assert.throws(() => history.periods(), /already served a period/)
  })

  test('error: loadKeys refuses to start on a history that does not check', () => {
    const dir = join(tempDir(), 'keys')
    const keys = loadKeys({ dir, create: true })
    writeFileSync(
      join(dir, CHECKPOINT_KEYS_FILE),
      JSON.stringify({ logId: keys.logId, rotations: [{ index: 2 }] }),
    )
    assert.throws(
      () => loadKeys({ dir, create: false }),
      (e) => e instanceof KeysError && /rotations\[0\]\.index must be 1/.test(e.message),
    )
  })
})
