import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { bytesToHex, type Hex } from '@tml/core'
import OpenTimestamps from 'opentimestamps'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import { type LocalCalendar, startLocalCalendar } from '../../src/ots/localCalendar.ts'
import { OtsStamper } from '../../src/ots/OtsStamper.ts'
import { tempDir } from '../helpers/memory.ts'

const { DetachedTimestampFile, Notary, Calendar } = OpenTimestamps
const ROOT: Hex = `0x${'5a'.repeat(32)}`

describe('OpenTimestamps with a local calendar', () => {
  let calendar: LocalCalendar
  let store: SqliteAnchorStore
  before(async () => {
    calendar = await startLocalCalendar()
    store = SqliteAnchorStore.open({ path: join(tempDir(), 'log.db') })
    await store.putCheckpoint({
      epoch: 1,
      treeSize: 3,
      rootHash: ROOT,
      timestamp: 1,
      signature: `0x${'01'.repeat(65)}`,
      createdMs: 1,
    })
  })
  after(async () => {
    await store?.close()
    await calendar?.close()
  })

  test('behavior: stamp → pending .ots the library parses → upgrade → the library verifies it', async () => {
    const stamper = new OtsStamper({ store, calendars: [calendar.url] })
    assert.equal(await stamper.stamp(1), 1)
    const [pending] = await store.otsOf(1)
    assert.ok(pending)
    assert.equal(pending.complete, false)
    const parsed = DetachedTimestampFile.deserialize(pending.ots)
    assert.equal(bytesToHex(Uint8Array.from(parsed.fileDigest())), ROOT)
    const attestations = [...parsed.timestamp.allAttestations().values()]
    assert.equal(attestations.length, 1)
    const first = attestations[0]
    assert.ok(first instanceof Notary.PendingAttestation)
    assert.equal(first.uri, calendar.url)

    assert.equal(await stamper.upgrade(), 0, 'nothing mined yet: still pending')
    assert.equal(calendar.mine().length, 1)
    assert.equal(await stamper.upgrade(), 1)
    const [done] = await store.otsOf(1)
    assert.ok(done?.complete)
    const upgraded = DetachedTimestampFile.deserialize(done.ots)
    assert.ok(upgraded.timestamp.isTimestampComplete())
    const verified = await OpenTimestamps.verifyTimestamp(upgraded.timestamp, {
      ignoreBitcoinNode: true,
      url: calendar.esploraUrl,
    })
    assert.equal(typeof verified.bitcoin?.timestamp, 'number')
    assert.equal(verified.bitcoin?.height, 0)
    assert.deepEqual(await store.pendingOts(), [])
  })

  test("behavior: the library's own calendar client and upgrade speak to the local calendar", async () => {
    const detached = DetachedTimestampFile.fromHash(new OpenTimestamps.Ops.OpSHA256(), [
      ...Buffer.alloc(32, 7),
    ])
    detached.timestamp.merge(
      await new Calendar.RemoteCalendar(calendar.url).submit(detached.timestamp.msg),
    )
    calendar.mine()
    const changed = await OpenTimestamps.upgradeTimestamp(detached.timestamp, {
      whitelist: new Calendar.UrlWhitelist([calendar.url]),
    })
    assert.equal(changed, true)
    assert.ok(detached.timestamp.isTimestampComplete())
  })

  test('errors: a tampered digest does not verify', async () => {
    const [done] = await store.otsOf(1)
    assert.ok(done)
    const upgraded = DetachedTimestampFile.deserialize(done.ots)
    for (const msg of upgraded.timestamp.allAttestations().keys()) msg[0] = (msg[0] ?? 0) ^ 1
    await assert.rejects(
      OpenTimestamps.verifyTimestamp(upgraded.timestamp, {
        ignoreBitcoinNode: true,
        url: calendar.esploraUrl,
      }),
      /does not match/,
    )
  })
})
