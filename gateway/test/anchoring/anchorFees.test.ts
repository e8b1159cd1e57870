import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  bump,
  firstSendFees,
  gwei,
  outbidUnknown,
  replacementFees,
} from '../../src/anchoring/anchorFees.ts'
import { chainTimings } from '../../src/anchoring/chainTimings.ts'

const G = 1_000_000_000n
const market = { baseFeePerGas: 10n * G, maxFeePerGas: 22n * G, maxPriorityFeePerGas: 2n * G }

describe('firstSendFees', () => {
  test('default: the market estimate under the cap', () => {
    assert.deepEqual(firstSendFees({ market, capWei: 100n * G }), {
      send: { maxFeePerGas: 22n * G, maxPriorityFeePerGas: 2n * G },
      marketWei: 12n * G,
    })
  })
  test('behavior: headroom above the cap is cut to the cap', () => {
    const d = firstSendFees({ market, capWei: 15n * G })
    assert.ok('send' in d)
    assert.equal(d.send.maxFeePerGas, 15n * G)
  })
  test('behavior: a market (base fee + tip) above the cap waits', () => {
    const d = firstSendFees({ market, capWei: 11n * G })
    assert.ok('wait' in d)
    assert.match(d.wait, /market fee 12 gwei is above the fee cap of 11 gwei/)
  })
})

describe('replacementFees', () => {
  const previous = { maxFeePerGas: 40n * G, maxPriorityFeePerGas: 4n * G }
  test('behavior: both fees up at least 12.5% (nodes require 10%)', () => {
    const d = replacementFees({ previous, market, capWei: 100n * G })
    assert.ok('send' in d)
    assert.equal(d.send.maxFeePerGas, 45n * G)
    assert.equal(d.send.maxPriorityFeePerGas, 4_500_000_000n)
  })
  test('behavior: a market above the bump wins', () => {
    const hot = { baseFeePerGas: 60n * G, maxFeePerGas: 130n * G, maxPriorityFeePerGas: 9n * G }
    const d = replacementFees({ previous, market: hot, capWei: 200n * G })
    assert.ok('send' in d)
    assert.deepEqual(d.send, { maxFeePerGas: 130n * G, maxPriorityFeePerGas: 9n * G })
  })
  test('behavior: never above the cap; a bump that would pass it waits', () => {
    const d = replacementFees({ previous, market, capWei: 45n * G })
    assert.ok('send' in d)
    assert.equal(d.send.maxFeePerGas, 45n * G)
    const capped = replacementFees({ previous, market, capWei: 44n * G })
    assert.ok('wait' in capped)
    assert.match(capped.wait, /needs a max fee of 45 gwei, above the cap of 44 gwei/)
  })
})

test('behavior: bump rounds up and always adds', () => {
  assert.equal(bump(8n), 9n)
  assert.equal(bump(9n), 11n)
  assert.equal(bump(0n), 1n)
  assert.equal(gwei(1_500_000_000n), '1.5')
})

test('behavior: outbidding an unknown transaction doubles, within the cap, then waits', () => {
  const d = outbidUnknown({
    previous: { maxFeePerGas: 10n, maxPriorityFeePerGas: 2n },
    capWei: 15n,
    marketWei: 5n,
  })
  assert.deepEqual(d, { send: { maxFeePerGas: 15n, maxPriorityFeePerGas: 4n }, marketWei: 5n })
  const w = outbidUnknown({
    previous: { maxFeePerGas: 15n, maxPriorityFeePerGas: 4n },
    capWei: 15n,
    marketWei: 5n,
  })
  assert.ok('wait' in w)
})

describe('chainTimings', () => {
  test('behavior: polling follows the block time; local chains are fast', () => {
    assert.deepEqual(chainTimings(1), {
      blockTimeMs: 12_000,
      receiptPollMs: 3_000,
      roundPollMs: 6_000,
      replaceAfterMs: 48_000,
    })
    assert.equal(chainTimings(137).receiptPollMs, 500)
    assert.equal(chainTimings(137).replaceAfterMs, 15_000)
    assert.equal(chainTimings(11155111).blockTimeMs, 12_000)
    assert.equal(chainTimings(31337).receiptPollMs, 20)
    assert.equal(chainTimings(987_654_321).blockTimeMs, 2_000)
  })
})
