import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { esploraHeaderSource, type Hex, verifyOtsBitcoin } from '@tml/core'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import { type LocalCalendar, startLocalCalendar } from '../../src/ots/localCalendar.ts'
import { OtsStamper } from '../../src/ots/OtsStamper.ts'
import { tempDir } from '../helpers/memory.ts'

const ROOT: Hex = `0x${'6b'.repeat(32)}`

/** An Esplora stand-in on loopback that answers one block, with the header the test gives. */
async function fakeEsplora(
  header: Uint8Array,
  hash: string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (/^\/block-height\/\d+$/.test(req.url ?? '')) return res.end(hash)
    if (req.url === `/block/${hash}/header`) return res.end(Buffer.from(header).toString('hex'))
    res.writeHead(404).end('Block not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

function blockHash(header: Uint8Array): string {
  const once = createHash('sha256').update(header).digest()
  return Buffer.from(createHash('sha256').update(once).digest()).reverse().toString('hex')
}

async function headerOf(esploraUrl: string, height: number): Promise<Uint8Array> {
  return esploraHeaderSource({ baseUrl: esploraUrl, fetch })(height)
}

describe('Bitcoin attestation of an .ots, through an Esplora source over HTTP', () => {
  let calendar: LocalCalendar
  let store: SqliteAnchorStore
  let pendingOts: Uint8Array
  let completeOts: Uint8Array
  const servers: Server[] = []
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
    const stamper = new OtsStamper({ store, calendars: [calendar.url] })
    assert.equal(await stamper.stamp(1), 1)
    pendingOts = ((await store.otsOf(1))[0] as { ots: Uint8Array }).ots
    calendar.mine()
    assert.equal(await stamper.upgrade(), 1)
    completeOts = ((await store.otsOf(1))[0] as { ots: Uint8Array }).ots
  })
  after(async () => {
    for (const s of servers) s.close()
    await store?.close()
    await calendar?.close()
  })

  test("behavior: the gateway's upgraded .ots matches the local calendar's block header", async () => {
    const fetchHeader = esploraHeaderSource({ baseUrl: calendar.esploraUrl, fetch })
    const result = await verifyOtsBitcoin({ ots: completeOts, fetchHeader })
    assert.equal(result.digest, ROOT)
    assert.equal(result.bitcoin.length, 1)
    const [check] = result.bitcoin
    assert.equal(check?.status, 'verified')
    assert.equal(check?.height, 0)
    if (check?.status === 'verified') {
      assert.ok(Math.abs(check.blockTime - Date.now() / 1000) < 600)
      assert.match(check.blockHash, /^0x[0-9a-f]{64}$/)
    }
    // The upgrade keeps the calendar's pending attestation beside the Bitcoin one.
    assert.deepEqual(result.pending, [calendar.url])
  })

  test('behavior: a pending-only .ots names its calendar and no Bitcoin block', async () => {
    const fetchHeader = esploraHeaderSource({ baseUrl: calendar.esploraUrl, fetch })
    const result = await verifyOtsBitcoin({ ots: pendingOts, fetchHeader })
    assert.equal(result.digest, ROOT)
    assert.deepEqual(result.pending, [calendar.url])
    assert.deepEqual(result.bitcoin, [])
  })

  test('errors: a source serving another header (another merkle root) fails the step', async () => {
    const real = await headerOf(calendar.esploraUrl, 0)
    const forged = real.slice()
    forged[40] = (forged[40] as number) ^ 0xff // the merkle root field
    const stand = await fakeEsplora(forged, blockHash(forged))
    servers.push(stand.server)
    const fetchHeader = esploraHeaderSource({ baseUrl: stand.url, fetch })
    const result = await verifyOtsBitcoin({ ots: completeOts, fetchHeader })
    const [check] = result.bitcoin
    assert.equal(check?.status, 'mismatch')
    if (check?.status === 'mismatch')
      assert.equal(check.found.slice(2, 10), Buffer.from(forged.subarray(36, 40)).toString('hex'))
  })

  test('errors: a header that does not hash to the block hash served is unavailable, not verified', async () => {
    const real = await headerOf(calendar.esploraUrl, 0)
    const stand = await fakeEsplora(real, 'ab'.repeat(32))
    servers.push(stand.server)
    const fetchHeader = esploraHeaderSource({ baseUrl: stand.url, fetch })
    const [check] = (await verifyOtsBitcoin({ ots: completeOts, fetchHeader })).bitcoin
    assert.equal(check?.status, 'unavailable')
    if (check?.status === 'unavailable') assert.match(check.reason, /is not block/)
  })

  test('errors: no header source, an unreachable one, a malformed .ots', async () => {
    const none = await verifyOtsBitcoin({ ots: completeOts, fetchHeader: undefined })
    assert.equal(none.bitcoin[0]?.status, 'unavailable')
    const down = esploraHeaderSource({ baseUrl: 'http://127.0.0.1:9', fetch, timeoutMs: 2000 })
    const [check] = (await verifyOtsBitcoin({ ots: completeOts, fetchHeader: down })).bitcoin
    assert.equal(check?.status, 'unavailable')
    if (check?.status === 'unavailable') assert.match(check.reason, /did not answer/)
    const truncated = completeOts.slice(0, completeOts.length - 3)
    await assert.rejects(verifyOtsBitcoin({ ots: truncated, fetchHeader: down }), {
      name: 'InvalidOtsError',
      shortMessage: 'Invalid OpenTimestamps proof: the file is truncated.',
    })
  })
})
