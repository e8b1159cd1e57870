import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { bytesToHex, hashLeaf, utf8ToBytes, verifyReceipt } from '@tml/core'
import type { SqliteFault } from '../../src/memory/SqliteLogStore.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { WorkerCommitter } from '../../src/memory/WorkerCommitter.ts'
import {
  type DecisionAnswer as Answer,
  assertOutageLasts,
  assertReadyAgain,
  decideSmallest,
  startTestGateway,
} from '../helpers/gateway.ts'

const decide = decideSmallest

// The failures are raised by SQLite itself on the commit worker's own connection (the thread
// that writes in production), not by a stand-in store: SQLITE_FULL when the database may not
// grow, SQLITE_READONLY when it may not be written.
const FAULTS: [SqliteFault, string][] = [
  ['full', 'SQLITE_FULL'],
  ['readonly', 'SQLITE_READONLY'],
]

describe('store faults in the commit worker (No Log = No Action)', () => {
  for (const [fault, code] of FAULTS) {
    test(`behavior: ${fault}: answers -1 LEDGER with ${code} while the cause lasts, recovers by itself when it clears, no gap`, async () => {
      const t = await startTestGateway({ retryMs: 20 })
      try {
        const committer = t.gateway.committer
        assert.ok(committer instanceof WorkerCommitter)
        const granted: Answer[] = [await decide(t)]
        assert.equal(granted[0]?.state, 1)
        await committer.injectFaultForTest(fault)

        // A full database may still fit a few records in its last pages: keep deciding (50 at a
        // time, as a loaded gateway would) until the store refuses.
        let refused: Answer | undefined
        for (let round = 0; round < 40 && !refused; round++) {
          for (const a of await Promise.all(Array.from({ length: 50 }, () => decide(t)))) {
            if (a.logged) granted.push(a)
            else refused ??= a
          }
        }
        assert.ok(refused, 'the store refused at last')
        assert.equal(refused.state, -1)
        assert.equal(refused.trigger_type, 'LEDGER')
        assert.equal(refused.receipt, null)
        assert.equal(refused.seq, null)
        assert.match(refused.trigger_detail, new RegExp(code))

        // The cause lasts: many probe periods later the gateway still refuses and is not ready.
        await assertOutageLasts(t, code)

        // The cause clears: the gateway is ready again without being told, and numbering goes on.
        await committer.injectFaultForTest(undefined)
        await assertReadyAgain(t)
        const back = await decide(t)
        assert.equal(back.state, 1)
        assert.equal(back.seq, (granted.at(-1)?.seq ?? -1) + 1, 'refused decisions took no seq')

        const store = SqliteLogStore.open({
          path: join(t.dir, 'log.db'),
          logId: t.gateway.keys.logId,
        })
        try {
          const entries = await store.entries(0, 100_000)
          assert.deepEqual(
            entries.map((e) => e.seq),
            entries.map((_, i) => i),
          )
          assert.equal(entries.length, (back.seq ?? 0) + 1)
          for (const a of [...granted, back]) {
            const stored = entries[a.seq ?? -1]
            assert.ok(stored, `answered seq ${a.seq} is stored`)
            assert.equal(stored.receipt.signature, a.receipt?.signature)
            assert.ok(
              verifyReceipt({ receipt: stored.receipt, publicKey: t.gateway.signer.publicKey }),
            )
            assert.equal(stored.leafHash, bytesToHex(hashLeaf(utf8ToBytes(stored.mtl))))
          }
        } finally {
          await store.close()
        }
      } finally {
        await t.close()
      }
    })
  }
})
