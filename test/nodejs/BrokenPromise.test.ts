// A receipt's broken promise, proven on chain (issue 13, item 5): a `tml-receipt/2` receipt
// (P-256, low s, over the RFC 8785 bytes) against a checkpoint anchored on this chain that holds
// another leaf at the receipt's index (DifferentLeaf), or that is dated past the receipt's
// deadline and does not reach its index (MissedDeadline). Receipts are signed here as the agreed
// spec says (test/helpers/receipts.ts), and the bytes the contract rebuilds are compared with
// core's canonicalize of the receipt object.
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { expect } from 'chai'
import fc from 'fast-check'
import { network } from 'hardhat'
import { type Hex, keccak256, stringToHex, toHex, zeroHash } from 'viem'
import {
  highS,
  isoAt,
  receiptKeyPair,
  receiptSigningBytes,
  signReceiptV2,
  type TestReceipt,
} from '../helpers/receipts.ts'
import {
  deployRegistries,
  MAX_EPOCH_INTERVAL,
  RECEIPT_KEY,
  RECEIPT_KEY_PAIR,
  TREE,
} from '../helpers/registries.ts'

const LogStatus = { Active: 1, Retired: 2, Compromised: 3 } as const
const BrokenPromise = 7
const LogEquivocated = 5
const TRACE_ID = '0190b6a4-7c3e-7d2a-9f1b-3c4d5e6f7a8b'
const PROMISED = keccak256(stringToHex('the MTL the receipt promised'))
const EMPTY = { leafHash: zeroHash, proof: [] as Hex[] }
const KEY = RECEIPT_KEY_PAIR
const OTHER_KEY = receiptKeyPair(keccak256(stringToHex('another p-256 key')))

describe('BrokenPromise: a receipt against an anchored checkpoint', async () => {
  const connection = await network.create({ network: 'ethereumNode' })
  const { networkHelpers } = connection
  const load = () => networkHelpers.loadFixture(fixture)
  async function fixture() {
    const registries = await deployRegistries(connection)
    const { logId, start } = registries
    /** A receipt of the fixture's log for index `seq`, issued at the start. */
    const receipt = (seq: bigint, overrides: Partial<TestReceipt> = {}): TestReceipt => ({
      logId,
      traceId: TRACE_ID,
      seq,
      leafHash: PROMISED,
      timestamp: isoAt(start),
      ...overrides,
    })
    const harness = await connection.viem.deployContract('ReceiptSigningHarness')
    return { ...registries, receipt, harness }
  }

  /** The report's arguments for `r` signed by KEY (or `signature`), shown with `key`'s coordinates. */
  function args(
    r: TestReceipt,
    anchored: Parameters<Awaited<ReturnType<typeof fixture>>['anchor']>[0],
    other: { leafHash: Hex; proof: Hex[] },
    options: { signature?: Hex; key?: typeof KEY } = {},
  ) {
    const key = options.key ?? KEY
    const signature = options.signature ?? signReceiptV2(r, KEY)
    return [r, signature, key.x, key.y, anchored, other] as const
  }

  describe('DifferentLeaf', () => {
    it('behavior: an anchored tree holds another leaf at the receipt index: the log is compromised, the Lantern dark', async () => {
      const { viem, registry, lantern, logId, checkpoint, anchor, receipt, accounts } = await load()
      const anchored = checkpoint(1n, 8)
      await anchor(anchored, null)
      const r = receipt(5n)
      const other = { leafHash: TREE.leafHashes[5] as Hex, proof: await TREE.inclusionProof(5, 8) }
      await viem.assertions.emitWithArgs(
        registry.write.reportBrokenPromise([...args(r, anchored, other)], {
          account: accounts.stranger.account,
        }),
        registry,
        'EquivocationReported',
        [logId, accounts.stranger.account.address, BrokenPromise, 1n, 5n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
      const [lit, reason, darkLog] = await lantern.read.lanternStatus([
        accounts.operator.account.address,
      ])
      expect([lit, reason, darkLog]).to.deep.equal([false, LogEquivocated, logId])
      // Evidence once: a compromised log takes no more reports.
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([...args(r, anchored, other)]),
        registry,
        'CheckpointLogCompromised',
        [logId],
      )
    })

    it('refuses the leaf the receipt promised (CheckpointReceiptLeafIncluded) and a proof that does not hold', async () => {
      const { viem, registry, logId, checkpoint, anchor, receipt } = await load()
      const anchored = checkpoint(1n, 8)
      await anchor(anchored, null)
      const honest = receipt(5n, { leafHash: TREE.leafHashes[5] as Hex })
      const proof = await TREE.inclusionProof(5, 8)
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([
          ...args(honest, anchored, { leafHash: honest.leafHash, proof }),
        ]),
        registry,
        'CheckpointReceiptLeafIncluded',
        [logId, 5n, honest.leafHash],
      )
      // Another leaf's proof (index 4) shown as index 5's.
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([
          ...args(receipt(5n), anchored, {
            leafHash: TREE.leafHashes[4] as Hex,
            proof: await TREE.inclusionProof(4, 8),
          }),
        ]),
        registry,
        'CheckpointReceiptInclusionInvalid',
        [logId, 5n, 8n],
      )
    })

    it('refuses an inclusion for an index the anchored tree does not hold (CheckpointReceiptIndexOutsideTree)', async () => {
      const { viem, registry, logId, checkpoint, anchor, receipt } = await load()
      const anchored = checkpoint(1n, 8)
      await anchor(anchored, null)
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([
          ...args(receipt(8n), anchored, {
            leafHash: TREE.leafHashes[7] as Hex,
            proof: await TREE.inclusionProof(7, 8),
          }),
        ]),
        registry,
        'CheckpointReceiptIndexOutsideTree',
        [logId, 8n, 8n],
      )
    })
  })

  describe('MissedDeadline', () => {
    it('behavior: a checkpoint dated past the deadline does not reach the index: the log is compromised, the Lantern dark', async () => {
      const { viem, registry, lantern, logId, start, checkpoint, anchor, receipt, accounts } =
        await load()
      await networkHelpers.time.increase(2n * MAX_EPOCH_INTERVAL)
      const late = checkpoint(1n, 8, { timestamp: start + MAX_EPOCH_INTERVAL + 1n })
      await anchor(late, null)
      await viem.assertions.emitWithArgs(
        registry.write.reportBrokenPromise([...args(receipt(8n), late, EMPTY)], {
          account: accounts.stranger.account,
        }),
        registry,
        'EquivocationReported',
        [logId, accounts.stranger.account.address, BrokenPromise, 1n, 8n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
      const [lit, reason] = await lantern.read.lanternStatus([accounts.operator.account.address])
      expect([lit, reason]).to.deep.equal([false, LogEquivocated])
    })

    it('refuses a checkpoint dated at the deadline or before (CheckpointReceiptDeadlineNotPassed), fraction dropped', async () => {
      const { viem, registry, logId, start, checkpoint, anchor, receipt } = await load()
      await networkHelpers.time.increase(2n * MAX_EPOCH_INTERVAL)
      const atDeadline = checkpoint(1n, 8, { timestamp: start + MAX_EPOCH_INTERVAL })
      await anchor(atDeadline, null)
      // .999 s after the start still counts as the start's second.
      const r = receipt(8n, { timestamp: isoAt(start).replace(/\.\d{3}Z$/, '.999Z') })
      const deadline = start + MAX_EPOCH_INTERVAL
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([...args(r, atDeadline, EMPTY)]),
        registry,
        'CheckpointReceiptDeadlineNotPassed',
        [logId, 8n, deadline, deadline],
      )
      const withoutFraction = receipt(8n, { timestamp: isoAt(start).replace(/\.\d{3}Z$/, 'Z') })
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([...args(withoutFraction, atDeadline, EMPTY)]),
        registry,
        'CheckpointReceiptDeadlineNotPassed',
        [logId, 8n, deadline, deadline],
      )
    })

    it('refuses a missed deadline when the anchored tree holds the index (CheckpointReceiptIndexInTree)', async () => {
      const { viem, registry, logId, start, checkpoint, anchor, receipt } = await load()
      await networkHelpers.time.increase(2n * MAX_EPOCH_INTERVAL)
      const late = checkpoint(1n, 8, { timestamp: start + 2n * MAX_EPOCH_INTERVAL })
      await anchor(late, null)
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([...args(receipt(7n), late, EMPTY)]),
        registry,
        'CheckpointReceiptIndexInTree',
        [logId, 7n, 8n],
      )
    })
  })

  describe('an honest log cannot be reported', () => {
    it('behavior: leaf included in time: neither kind proves anything, with any anchored checkpoint', async () => {
      const { viem, registry, logId, start, checkpoint, anchor, receipt } = await load()
      // Receipt for leaf 5 issued at the start; epoch 1 (size 4) before the deadline, epoch 2
      // (size 8, leaf 5 in it) also before the deadline, epoch 3 long after.
      const r = receipt(5n, { leafHash: TREE.leafHashes[5] as Hex })
      const early = checkpoint(1n, 4)
      const inTime = checkpoint(2n, 8)
      await anchor(early, null)
      await anchor(inTime, 4)
      await networkHelpers.time.increase(2n * MAX_EPOCH_INTERVAL)
      const later = checkpoint(3n, 12, { timestamp: start + 2n * MAX_EPOCH_INTERVAL })
      await anchor(later, 8)
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([...args(r, early, EMPTY)]),
        registry,
        'CheckpointReceiptDeadlineNotPassed',
        [logId, 5n, start + MAX_EPOCH_INTERVAL, early.timestamp],
      )
      for (const [anchored, size] of [
        [inTime, 8],
        [later, 12],
      ] as const) {
        const proof = await TREE.inclusionProof(5, size)
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportBrokenPromise([
            ...args(r, anchored, { leafHash: r.leafHash, proof }),
          ]),
          registry,
          'CheckpointReceiptLeafIncluded',
          [logId, 5n, r.leafHash],
        )
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportBrokenPromise([...args(r, anchored, EMPTY)]),
          registry,
          'CheckpointReceiptIndexInTree',
          [logId, 5n, BigInt(size)],
        )
      }
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Active)
    })
  })

  describe('refusals', () => {
    async function anchoredFixture() {
      const loaded = await load()
      const anchored = loaded.checkpoint(1n, 8)
      await loaded.anchor(anchored, null)
      const other = { leafHash: TREE.leafHashes[5] as Hex, proof: await TREE.inclusionProof(5, 8) }
      return { ...loaded, anchored, other, r: loaded.receipt(5n) }
    }

    it('reverts with CheckpointNotAnchored for a checkpoint this chain did not anchor as given', async () => {
      const { viem, registry, logId, checkpoint, anchored, other, r } = await anchoredFixture()
      for (const cp of [checkpoint(2n, 8), { ...anchored, timestamp: anchored.timestamp + 1n }]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportBrokenPromise([...args(r, cp, other)]),
          registry,
          'CheckpointNotAnchored',
          [logId, cp.epoch],
        )
      }
    })

    it('reverts with CheckpointEquivocationLogMismatch and CheckpointUnknownLog', async () => {
      const { viem, registry, logId, anchored, other, r } = await anchoredFixture()
      const unknown = keccak256(stringToHex('unknown log'))
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([...args({ ...r, logId: unknown }, anchored, other)]),
        registry,
        'CheckpointEquivocationLogMismatch',
        [unknown, logId],
      )
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([
          ...args({ ...r, logId: unknown }, { ...anchored, logId: unknown }, other),
        ]),
        registry,
        'CheckpointUnknownLog',
        [unknown],
      )
    })

    it('reverts with CheckpointReceiptKeyMismatch for a key that is not the period receipt key', async () => {
      const { viem, registry, logId, anchored, other, r } = await anchoredFixture()
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([
          ...args(r, anchored, other, { signature: signReceiptV2(r, OTHER_KEY), key: OTHER_KEY }),
        ]),
        registry,
        'CheckpointReceiptKeyMismatch',
        [logId, 1n, RECEIPT_KEY, OTHER_KEY.commitment],
      )
    })

    it('behavior: a rotated-out receipt key still answers for its receipts (rotation escape, MissedDeadline)', async () => {
      // The escape this closes: the operator signs a receipt, never logs its MTL, and rotates the
      // receipt key before the deadline, so that every checkpoint dated past it is of the new
      // period. The old key's period began before that checkpoint: its receipt still proves it.
      const {
        viem,
        registry,
        logId,
        start,
        checkpoint,
        anchor,
        receipt,
        rotation,
        rotate,
        accounts,
      } = await load()
      const { signer, newSigner } = accounts
      await anchor(checkpoint(1n, 4), null)
      await rotate(rotation(1n, 2n, newSigner, { receiptKey: OTHER_KEY.commitment }), signer)
      await networkHelpers.time.increase(2n * MAX_EPOCH_INTERVAL)
      const late = checkpoint(2n, 8, { timestamp: start + MAX_EPOCH_INTERVAL + 1n })
      await anchor(late, 4, newSigner)
      await viem.assertions.emitWithArgs(
        registry.write.reportBrokenPromise([...args(receipt(8n), late, EMPTY)], {
          account: accounts.stranger.account,
        }),
        registry,
        'EquivocationReported',
        [logId, accounts.stranger.account.address, BrokenPromise, 2n, 8n],
      )
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
    })

    it('takes the receipt key of any period begun by the anchored epoch, refuses one begun after it', async () => {
      const { viem, registry, logId, checkpoint, anchor, receipt, rotation, rotate, accounts } =
        await load()
      const { signer, newSigner } = accounts
      const first = checkpoint(1n, 4)
      await anchor(first, null)
      await rotate(rotation(1n, 2n, newSigner, { receiptKey: OTHER_KEY.commitment }), signer)
      const anchored = checkpoint(2n, 8)
      await anchor(anchored, 4, newSigner)
      // The new key's period begins at epoch 2: it signed no receipt epoch 1 could cover.
      const early = receipt(2n)
      const earlyOther = {
        leafHash: TREE.leafHashes[2] as Hex,
        proof: await TREE.inclusionProof(2, 4),
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reportBrokenPromise([
          ...args(early, first, earlyOther, {
            signature: signReceiptV2(early, OTHER_KEY),
            key: OTHER_KEY,
          }),
        ]),
        registry,
        'CheckpointReceiptKeyMismatch',
        [logId, 1n, RECEIPT_KEY, OTHER_KEY.commitment],
      )
      // Epoch 2 is covered by the new key and follows the old one's period: both keys prove.
      const r = receipt(5n)
      const other = { leafHash: TREE.leafHashes[5] as Hex, proof: await TREE.inclusionProof(5, 8) }
      for (const key of [KEY, OTHER_KEY]) {
        const { result } = await registry.simulate.reportBrokenPromise([
          ...args(r, anchored, other, { signature: signReceiptV2(r, key), key }),
        ])
        expect(result).to.equal(undefined)
      }
      await viem.assertions.emitWithArgs(
        registry.write.reportBrokenPromise([
          ...args(r, anchored, other, { signature: signReceiptV2(r, OTHER_KEY), key: OTHER_KEY }),
        ]),
        registry,
        'EquivocationReported',
        [logId, accounts.admin.account.address, BrokenPromise, 2n, 5n],
      )
    })

    it('reverts with CheckpointReceiptInvalidSignature: another key, tampered fields, high s, wrong length', async () => {
      const { viem, registry, logId, anchored, other, r } = await anchoredFixture()
      const good = signReceiptV2(r, KEY)
      const refused: Hex[] = [
        // Signed by another key, shown with the log's key.
        signReceiptV2(r, OTHER_KEY),
        // Signed over other fields (another promised leaf, another seq, another time).
        signReceiptV2({ ...r, leafHash: keccak256(stringToHex('x')) }, KEY),
        signReceiptV2({ ...r, seq: 6n }, KEY),
        signReceiptV2(
          { ...r, timestamp: r.timestamp.replace(/Z$/, '').slice(0, -4).concat('Z') },
          KEY,
        ),
        // Valid ECDSA with s above n/2: malleable, refused.
        highS(good),
        // r ‖ s ‖ v (65 bytes), truncated, empty.
        `${good}1b`,
        good.slice(0, 128) as Hex,
        '0x',
      ]
      for (const signature of refused) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportBrokenPromise([...args(r, anchored, other, { signature })]),
          registry,
          'CheckpointReceiptInvalidSignature',
          [logId, 5n, RECEIPT_KEY],
        )
      }
      // v1 bytes (same fields, `tml-receipt/1`) are not what the contract verifies either.
      expect(new TextDecoder().decode(receiptSigningBytes(r))).to.contain('"v":"tml-receipt/2"')
      await registry.write.reportBrokenPromise([...args(r, anchored, other, { signature: good })])
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Compromised)
    })

    it('reverts with CheckpointReceiptMalformedTraceId and CheckpointReceiptMalformedTimestamp', async () => {
      const { viem, registry, anchored, other, r } = await anchoredFixture()
      for (const traceId of [
        TRACE_ID.toUpperCase(),
        '',
        `${TRACE_ID}0`,
        TRACE_ID.replace('-7d2a-', '-0d2a-'),
        TRACE_ID.replace('-9f1b-', '-7f1b-'),
        TRACE_ID.replace('-', '_'),
        TRACE_ID.replace('a', '"'),
      ]) {
        const bad = { ...r, traceId }
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportBrokenPromise([...args(bad, anchored, other)]),
          registry,
          'CheckpointReceiptMalformedTraceId',
          [traceId],
        )
      }
      for (const timestamp of [
        '2025-02-29T00:00:00Z',
        '2025-04-31T00:00:00Z',
        '2025-13-01T00:00:00Z',
        '2025-01-01T24:00:00Z',
        '2025-01-01T00:60:00Z',
        '2025-01-01T00:00:60Z',
        '2025-01-01T00:00:00.1234Z',
        '2025-01-01T00:00:00.Z',
        '2025-01-01T00:00:00+00:00',
        '2025-01-01 00:00:00Z',
        '2025-01-01t00:00:00z',
        '2025-01-01T00:00:00\\Z',
        '',
      ]) {
        const bad = { ...r, timestamp }
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.reportBrokenPromise([...args(bad, anchored, other)]),
          registry,
          'CheckpointReceiptMalformedTimestamp',
          [timestamp],
        )
      }
    })

    it('a retired log still takes the report', async () => {
      const { viem, registry, lantern, logId, anchored, other, r, accounts } =
        await anchoredFixture()
      await lantern.write.retireLog([logId], { account: accounts.operator.account })
      expect(await registry.read.logStatus([logId])).to.equal(LogStatus.Retired)
      await viem.assertions.emitWithArgs(
        registry.write.reportBrokenPromise([...args(r, anchored, other)]),
        registry,
        'EquivocationReported',
        [logId, accounts.admin.account.address, BrokenPromise, 1n, 5n],
      )
    })
  })

  describe('the signed bytes and the timestamp parser', () => {
    it('rebuilds exactly core canonicalize of the receipt object (random receipts)', async () => {
      const { harness } = await load()
      const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b))
      const receiptArbitrary = fc.record({
        logId: hex32,
        traceId: fc.constant(null).map(() => randomUUID()),
        seq: fc.oneof(fc.constantFrom(0n, 9n, 10n), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n })),
        leafHash: hex32,
        timestamp: fc
          .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 })
          .chain((ms) =>
            fc.nat({ max: 3 }).map((digits) => trimFraction(new Date(ms).toISOString(), digits)),
          ),
      })
      await fc.assert(
        fc.asyncProperty(receiptArbitrary, async (r) => {
          const onChain = await harness.read.signingBytes([r])
          expect(onChain).to.equal(toHex(receiptSigningBytes(r)))
        }),
        { numRuns: 60 },
      )
    })

    it('parses RFC 3339 timestamps as Date.parse does (random dates, years 0000-9999, 0-3 fractional digits)', async () => {
      const { harness } = await load()
      const sample = fc.array(
        fc.record({
          ms: fc.oneof(
            fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
            fc.integer({ min: -1_000_000, max: 1_000_000 }),
            fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
          ),
          digits: fc.nat({ max: 3 }),
        }),
        { minLength: 1, maxLength: 40 },
      )
      await fc.assert(
        fc.asyncProperty(sample, async (dates) => {
          const timestamps = dates.map(({ ms, digits }) =>
            trimFraction(new Date(ms).toISOString(), digits),
          )
          const [ok, seconds] = await harness.read.parseTimestamps([timestamps])
          dates.forEach(({ ms }, i) => {
            expect(ok[i], timestamps[i]).to.equal(true)
            const expected = Math.floor(Date.parse(new Date(ms).toISOString()) / 1000)
            expect(seconds[i], timestamps[i]).to.equal(BigInt(expected))
          })
        }),
        { numRuns: 50 },
      )
    })

    it('accepts exactly the days that exist (every day of leap and common years, around each month end)', async () => {
      const { harness } = await load()
      const candidates: string[] = []
      for (const year of [1900, 2000, 2023, 2024, 2100, 9999, 0]) {
        for (let month = 1; month <= 12; month++) {
          for (const day of [28, 29, 30, 31]) {
            const y = String(year).padStart(4, '0')
            const m = String(month).padStart(2, '0')
            candidates.push(`${y}-${m}-${day}T12:34:56Z`)
          }
        }
      }
      const [ok, seconds] = await harness.read.parseTimestamps([candidates])
      candidates.forEach((timestamp, i) => {
        const parsed = Date.parse(timestamp)
        const exists = new Date(parsed).toISOString().slice(0, 10) === timestamp.slice(0, 10)
        expect(ok[i], timestamp).to.equal(exists)
        if (exists) expect(seconds[i], timestamp).to.equal(BigInt(parsed / 1000))
      })
    })

    it('checks trace ids as core UUID_PATTERN does (random UUIDs and mutations)', async () => {
      const { harness } = await load()
      const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      const alphabet = '0123456789abcdefgABF-_"\\'
      const mutated = fc
        .record({
          at: fc.nat({ max: 35 }),
          char: fc.constantFrom(...alphabet.split('')),
        })
        .map(({ at, char }) => {
          const uuid = randomUUID()
          return uuid.slice(0, at) + char + uuid.slice(at + 1)
        })
      await fc.assert(
        fc.asyncProperty(mutated, async (traceId) => {
          expect(await harness.read.isTraceId([traceId]), traceId).to.equal(pattern.test(traceId))
        }),
        { numRuns: 60 },
      )
    })
  })
})

/** `iso` (with milliseconds) with `digits` fractional digits kept (0: no fraction). */
function trimFraction(iso: string, digits: number): string {
  const [whole] = iso.split('.')
  const fraction = iso.slice(20, 20 + digits)
  return digits === 0 ? `${whole}Z` : `${whole}.${fraction}Z`
}
