// Receipt-key rotation (issue 13): when a key period brings a new receipt key, the epoch before
// it closes exactly at the first receipt of the new key, whatever is in flight, and a crash at the
// handover loses nothing. Real parts: the SQLite log file, the commit worker thread, the sequencer.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { bytesToHex, type Hex, type SignedReceipt, verifyReceipt } from '@tml/core'
import type { AnchorStore, ReceiptHandover } from '../../src/anchoring/AnchorStore.ts'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import { CHECKPOINT_KEYS_FILE } from '../../src/keys/CheckpointKeyHistory.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { KeysError } from '../../src/keys/KeysError.ts'
import { ReceiptKeySchedule } from '../../src/keys/ReceiptKeySchedule.ts'
import { AlwaysMemory } from '../../src/memory/AlwaysMemory.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { WorkerCommitter } from '../../src/memory/WorkerCommitter.ts'
import { ReceiptKeyHandover, receiptKeyStarts } from '../../src/sequencer/ReceiptKeyHandover.ts'
import { Sequencer } from '../../src/sequencer/Sequencer.ts'
import { historyWithRotation } from '../helpers/keyHistory.ts'
import { decisionDraft, LOG_ID, SEED, tempDir } from '../helpers/memory.ts'

const OLD = SEED
const NEW = new Uint8Array(32).map((_, i) => 200 - i)
const oldKey = createReceiptSigner(OLD).publicKey
const newKey = createReceiptSigner(NEW).publicKey

/** A gateway's log without HTTP: SQLite file, commit worker, Always Memory, sequencer, handover. */
async function openLog(
  dir: string,
  history: Awaited<ReturnType<typeof historyWithRotation>>,
  crash?: () => void,
  handovers?: (anchors: SqliteAnchorStore) => HandoverStore,
) {
  const path = join(dir, 'log.db')
  const store = SqliteLogStore.open({ path, logId: LOG_ID })
  const anchors = SqliteAnchorStore.open({ path })
  const starts = receiptKeyStarts({
    history,
    handovers: await anchors.receiptHandovers(),
    periodZeroKey: OLD,
  })
  const committer = await WorkerCommitter.start({ path, logId: LOG_ID, receiptKeys: starts })
  const memory = await AlwaysMemory.open({ store, logId: LOG_ID, committer, maxInFlight: 4 })
  const schedule = new ReceiptKeySchedule(starts)
  const handover = new ReceiptKeyHandover({
    history,
    store: handovers ? handovers(anchors) : anchors,
    memory,
    committer,
    schedule,
    ...(crash ? { crashPoint: crash } : {}),
  })
  const sequencer = new Sequencer({
    logId: LOG_ID,
    entries: store,
    store: anchors,
    signer: history,
    receiptKeys: handover,
  })
  const append = async () =>
    (await memory.append({ draft: decisionDraft(), profile: null, pauseDeadlineMs: null }))
      .receipt as SignedReceipt
  return {
    anchors,
    memory,
    schedule,
    sequencer,
    append,
    async close() {
      memory.close()
      await committer.close()
      await store.close()
      await anchors.close()
    },
  }
}

type HandoverStore = Pick<AnchorStore, 'receiptHandovers' | 'putReceiptHandover'>

/**
 * The handover records of a real store whose writes resolve only when `release` is called, as a
 * database server's commit answers over the network some time after the request.
 */
class SlowCommits implements HandoverStore {
  readonly #store: HandoverStore
  readonly #gate: Promise<void>
  readonly release: () => void
  writing = false

  constructor(store: HandoverStore) {
    this.#store = store
    let release = () => {}
    this.#gate = new Promise((resolve) => {
      release = resolve
    })
    this.release = release
  }

  receiptHandovers(): Promise<ReceiptHandover[]> {
    return this.#store.receiptHandovers()
  }

  async putReceiptHandover(handover: ReceiptHandover): Promise<void> {
    this.writing = true
    await this.#store.putReceiptHandover(handover)
    await this.#gate
  }
}

describe('receipt-key handover', () => {
  test('behavior: epoch E - 1 closes exactly at the first receipt of the new key, with appends in flight', async () => {
    const dir = tempDir()
    const history = await historyWithRotation({
      fromEpoch: 3,
      dir,
      receipt: { periodZeroKey: OLD, next: NEW },
    })
    const log = await openLog(dir, history)
    try {
      const receipts: SignedReceipt[] = []
      for (let i = 0; i < 5; i++) receipts.push(await log.append())
      assert.equal((await log.sequencer.closeNow())?.epoch, 1)
      for (let i = 0; i < 5; i++) receipts.push(await log.append())
      // Epoch 2 is the last of period 0: it is closed while records are being appended, before
      // and after the handover; a round that finds records below it still committing waits.
      const before = Array.from({ length: 20 }, () => log.append())
      const closing = (async () => {
        for (;;) {
          const c = await log.sequencer.closeNow()
          if (c) return c
          await new Promise((r) => setTimeout(r, 2))
        }
      })()
      await new Promise((r) => setImmediate(r))
      const after = Array.from({ length: 20 }, () => log.append())
      const closed = await closing
      receipts.push(...(await Promise.all([...before, ...after])))
      for (let i = 0; i < 5; i++) receipts.push(await log.append())
      assert.equal(closed?.epoch, 2)
      const [handover] = await log.anchors.receiptHandovers()
      assert.ok(handover)
      assert.deepEqual({ period: handover.period, epoch: handover.epoch }, { period: 1, epoch: 2 })
      assert.equal(closed?.treeSize, handover.fromSeq, 'epoch 2 ends at the handover')
      assert.ok(handover.fromSeq > 10 && handover.fromSeq <= 50, `B = ${handover.fromSeq}`)
      assert.equal((await log.sequencer.closeNow())?.epoch, 3)
      assert.equal((await log.anchors.checkpoint(3))?.treeSize, receipts.length)
      for (const receipt of receipts) {
        const own: Hex = receipt.seq < handover.fromSeq ? oldKey : newKey
        const other = own === oldKey ? newKey : oldKey
        assert.ok(verifyReceipt({ receipt, publicKey: own }), `receipt ${receipt.seq}`)
        assert.ok(!verifyReceipt({ receipt, publicKey: other }), `receipt ${receipt.seq}`)
        assert.equal(log.schedule.publicKeyFor(receipt.seq), own)
      }
    } finally {
      await log.close()
    }
  })

  test('behavior: while the handover record commits, no record is placed: appends are refused until the committer switched keys', async () => {
    const dir = tempDir()
    const history = await historyWithRotation({
      fromEpoch: 3,
      dir,
      receipt: { periodZeroKey: OLD, next: NEW },
    })
    let slow: SlowCommits | undefined
    const log = await openLog(dir, history, undefined, (anchors) => {
      slow = new SlowCommits(anchors)
      return slow
    })
    try {
      const receipts: SignedReceipt[] = []
      for (let i = 0; i < 3; i++) receipts.push(await log.append())
      assert.equal((await log.sequencer.closeNow())?.epoch, 1)
      for (let i = 0; i < 3; i++) receipts.push(await log.append())
      const closing = log.sequencer.closeNow() // epoch 2, the last of period 0: hands over
      while (!slow?.writing) await new Promise((r) => setTimeout(r, 1))
      const B = log.memory.nextSeq
      // The record is on its way to the store: an append now would take seq B and could be
      // signed with the old key before the committer switches. It is refused instead.
      await assert.rejects(log.append(), { code: 'TML_HELD' })
      await new Promise((r) => setTimeout(r, 20))
      await assert.rejects(log.append(), /handing receipts over to the receipt key of period 1/)
      assert.equal(log.memory.nextSeq, B, 'nothing placed while the handover commits')
      slow?.release()
      const closed = await closing
      assert.equal(closed?.epoch, 2)
      assert.equal(closed?.treeSize, B, 'epoch 2 ends at the handover')
      assert.equal(log.memory.available, true, 'the hold ends with the handover')
      for (let i = 0; i < 3; i++) receipts.push(await log.append())
      assert.deepEqual(
        (await log.anchors.receiptHandovers()).map((h) => [h.period, h.fromSeq, h.epoch]),
        [[1, B, 2]],
      )
      for (const receipt of receipts) {
        const own: Hex = receipt.seq < B ? oldKey : newKey
        assert.ok(verifyReceipt({ receipt, publicKey: own }), `receipt ${receipt.seq}`)
      }
    } finally {
      await log.close()
    }
  })

  test('behavior: a crash after the handover is recorded; the restart signs with the new key from B and closes E - 1 at B', async () => {
    const dir = tempDir()
    const history = await historyWithRotation({
      fromEpoch: 2,
      dir,
      receipt: { periodZeroKey: OLD, next: NEW },
    })
    let crashed = false
    const first = await openLog(dir, history, () => {
      crashed = true
      throw new Error('crash after the handover record')
    })
    for (let i = 0; i < 3; i++) await first.append()
    await assert.rejects(first.sequencer.closeNow(), /crash after the handover/)
    assert.ok(crashed)
    const [handover] = await first.anchors.receiptHandovers()
    assert.deepEqual(handover, { period: 1, fromSeq: 3, epoch: 1 })
    assert.equal(await first.anchors.latestCheckpoint(), undefined, 'nothing signed')
    await first.close()

    const second = await openLog(dir, history)
    try {
      const after = await second.append()
      assert.equal(after.seq, 3)
      assert.ok(verifyReceipt({ receipt: after, publicKey: newKey }))
      const closed = await second.sequencer.closeNow()
      assert.deepEqual([closed?.epoch, closed?.treeSize], [1, 3], 'epoch 1 still ends at B')
      assert.deepEqual([(await second.sequencer.closeNow())?.epoch], [2])
      assert.equal((await second.anchors.checkpoint(2))?.treeSize, 4)
      assert.equal((await second.anchors.receiptHandovers()).length, 1, 'handed over once')
    } finally {
      await second.close()
    }
  })

  test('default: a rotation that keeps the receipt key hands nothing over', async () => {
    const dir = tempDir()
    const history = await historyWithRotation({
      fromEpoch: 2,
      dir,
      receipt: { periodZeroKey: OLD },
    })
    const log = await openLog(dir, history)
    try {
      const receipts = [await log.append(), await log.append()]
      await log.sequencer.closeNow()
      receipts.push(await log.append())
      await log.sequencer.closeNow()
      assert.deepEqual(await log.anchors.receiptHandovers(), [])
      for (const receipt of receipts) assert.ok(verifyReceipt({ receipt, publicKey: oldKey }))
    } finally {
      await log.close()
    }
  })

  test('error: a history whose receipt key file is not the statement key, or reuses an old receipt key, is refused', async () => {
    const dir = tempDir()
    const history = await historyWithRotation({
      fromEpoch: 2,
      dir,
      receipt: { periodZeroKey: OLD, next: NEW },
    })
    assert.equal(history.periods()[1]?.receiptKeyFile, 'receipt-1.key')
    // Another key in the file than the statement names: nothing signs. The history is re-read
    // when its file changes: rewrite it as it is, so that the edited key file is checked.
    writeFileSync(join(dir, 'receipt-1.key'), `${bytesToHex(new Uint8Array(32).fill(9))}\n`)
    const file = join(dir, CHECKPOINT_KEYS_FILE)
    writeFileSync(file, `${readFileSync(file, 'utf8')} `)
    assert.throws(
      () => history.periods(),
      (e: unknown) =>
        e instanceof KeysError &&
        /names receipt key 0x[0-9a-f]{64}, not receipt-1\.key's/.test(e.message),
    )
    // A "new" receipt key that is period 0's: one key, one stretch of receipts.
    const reused = await historyWithRotation({
      fromEpoch: 2,
      dir: tempDir(),
      receipt: { periodZeroKey: OLD, next: OLD },
    })
    assert.throws(() => reused.periods(), /already served a period/)
  })
})
