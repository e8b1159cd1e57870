// The one paged event search, against a node stand-in that refuses ranges the way public RPC
// providers do, in their own words (the real-chain tests, through an HTTP proxy in front of a
// Hardhat node, are in gateway/test/verify/eventSearch.test.ts).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { EventSearchError } from '../../src/rpc/EventSearchError.ts'
import { refusedRangeLimit } from '../../src/rpc/refusedRangeLimit.ts'
import { rpcErrorKind } from '../../src/rpc/rpcErrorKind.ts'
import { searchBlockRanges } from '../../src/rpc/searchBlockRanges.ts'

const ALCHEMY = () =>
  Object.assign(
    new Error(
      `You can make eth_getLogs requests with up to a 500 block range. Based on your parameters, this block range should work: [0x0, 0x1f3]`,
    ),
    { code: -32600 },
  )
const INFURA_RESULTS = () =>
  Object.assign(new Error('query returned more than 10000 results'), { code: -32005 })

/**
 * A node holding one event every `every` blocks, refusing more than `cap` blocks with `refusal`
 * and failing the first `transient` asks of each range with a 503-like error.
 */
function node({
  cap,
  every = 1_000n,
  refusal = (n: bigint) =>
    Object.assign(new Error(`range ${n} exceeds limit of ${cap}`), { code: -32602 }),
  transient = 0,
}: {
  cap: bigint
  every?: bigint
  refusal?: (asked: bigint) => Error
  transient?: number
}) {
  const asked: [bigint, bigint][] = []
  const failed = new Map<string, number>()
  const read = async (from: bigint, to: bigint) => {
    asked.push([from, to])
    const key = `${from}-${to}`
    if ((failed.get(key) ?? 0) < transient) {
      failed.set(key, (failed.get(key) ?? 0) + 1)
      throw Object.assign(new Error('503 Service Unavailable'), { status: 503 })
    }
    if (to - from + 1n > cap) throw refusal(to - from)
    const found: bigint[] = []
    for (let b = from + ((every - (from % every)) % every); b <= to; b += every) found.push(b)
    return found
  }
  return { asked, read }
}

const noWait = async () => {}

describe('searchBlockRanges', () => {
  test('default: a range the node accepts is read in 10,000-block pages, in order, each block once', async () => {
    const { asked, read } = node({ cap: 10_000n })
    const found = await searchBlockRanges({ fromBlock: 5n, toBlock: 25_004n, read })
    assert.deepEqual(asked, [
      [5n, 10_004n],
      [10_005n, 20_004n],
      [20_005n, 25_004n],
    ])
    assert.deepEqual(
      found,
      Array.from({ length: 25 }, (_, i) => BigInt((i + 1) * 1_000)),
    )
  })

  test('behavior: Infura states its cap: the next page asks for exactly that, and growth stays below the refused size', async () => {
    const { asked, read } = node({ cap: 2_000n })
    const span = { blocks: 10_000n }
    const found = await searchBlockRanges({
      fromBlock: 0n,
      toBlock: 99_999n,
      read,
      span,
      sleep: noWait,
    })
    assert.equal(found.length, 100)
    assert.deepEqual(asked[0], [0n, 9_999n])
    assert.ok(
      asked.slice(1).every(([f, t]) => t - f + 1n === 2_000n),
      'no more refusals',
    )
    assert.equal(asked.length, 51)
    assert.deepEqual(span, { blocks: 2_000n, refused: 2_001n })
    // The next search on the same endpoint starts at what it accepts.
    asked.length = 0
    await searchBlockRanges({ fromBlock: 0n, toBlock: 3_999n, read, span })
    assert.deepEqual(asked, [
      [0n, 1_999n],
      [2_000n, 3_999n],
    ])
  })

  test('behavior: a cap in results (no block count stated) is halved down to, and the span grows back after answers', async () => {
    const { asked, read } = node({ cap: 3_000n, refusal: INFURA_RESULTS })
    const found = await searchBlockRanges({
      fromBlock: 0n,
      toBlock: 59_999n,
      read,
      growAfter: 2,
      maxBlocks: 12_000n,
    })
    assert.equal(found.length, 60)
    const sizes = asked.map(([f, t]) => t - f + 1n)
    // 12,000 → 6,000 → 3,000 accepted; growth to 6,000 is never tried again (refused before).
    assert.deepEqual(sizes.slice(0, 3), [12_000n, 6_000n, 3_000n])
    assert.ok(sizes.slice(3).every((n) => n === 3_000n))
    let next = 0n
    for (const [from, to] of asked.filter(([f, t]) => t - f + 1n <= 3_000n)) {
      assert.equal(from, next)
      next = to + 1n
    }
    assert.equal(next, 60_000n)
  })

  test('behavior: newest first, stopping at the first page that holds something (Alchemy cap of 500)', async () => {
    const { asked, read } = node({ cap: 500n, every: 7_000n, refusal: ALCHEMY })
    const found = await searchBlockRanges({
      fromBlock: 100n,
      toBlock: 20_000n,
      read,
      newestFirst: true,
      stopAtFirst: true,
    })
    assert.deepEqual(found, [14_000n])
    assert.deepEqual(asked[0], [10_001n, 20_000n])
    assert.deepEqual(asked[1], [19_501n, 20_000n])
    assert.deepEqual(asked.at(-1), [13_501n, 14_000n])
  })

  test('behavior: a transient failure is retried with doubling pauses, then the search goes on', async () => {
    const { asked, read } = node({ cap: 10_000n, transient: 2 })
    const waits: number[] = []
    const found = await searchBlockRanges({
      fromBlock: 1n,
      toBlock: 20_000n,
      read,
      backoffMs: 100,
      sleep: async (ms) => {
        waits.push(ms)
      },
    })
    assert.equal(found.length, 20)
    assert.equal(asked.length, 6)
    assert.deepEqual(waits, [100, 200, 100, 200])
  })

  test('errors: a bound on calls: a search that cannot cover its range in maxCalls requests says where it stopped', async () => {
    const { asked, read } = node({ cap: 100n, refusal: INFURA_RESULTS })
    await assert.rejects(
      searchBlockRanges({ fromBlock: 0n, toBlock: 1_000_000n, read, maxCalls: 50 }),
      (e: unknown) =>
        e instanceof EventSearchError &&
        e.failure === 'calls' &&
        e.calls === 50 &&
        /Event search of blocks 0–1000000 stopped: it reached its bound of 50 requests before blocks \d+–\d+; start the search at the registry's deployment block/.test(
          e.message,
        ),
    )
    assert.equal(asked.length, 50)
  })

  test('errors: refused even at the smallest range; kept failing; another error: typed, with the node’s words', async () => {
    const stingy = node({ cap: 4n, refusal: INFURA_RESULTS })
    await assert.rejects(
      searchBlockRanges({ fromBlock: 0n, toBlock: 1_000n, read: stingy.read, maxBlocks: 80n }),
      (e: unknown) =>
        e instanceof EventSearchError &&
        e.failure === 'refused' &&
        e.stoppedAt.toBlock - e.stoppedAt.fromBlock + 1n === 10n &&
        /query returned more than 10000 results/.test(e.message),
    )
    const flaky = node({ cap: 10_000n, transient: 9 })
    await assert.rejects(
      searchBlockRanges({
        fromBlock: 0n,
        toBlock: 10n,
        read: flaky.read,
        retries: 2,
        sleep: noWait,
      }),
      (e: unknown) => e instanceof EventSearchError && e.failure === 'transient',
    )
    assert.equal(flaky.asked.length, 3)
    let calls = 0
    const reverted = new Error('execution reverted')
    await assert.rejects(
      searchBlockRanges({
        fromBlock: 0n,
        toBlock: 10n,
        read: async () => {
          calls++
          throw reverted
        },
      }),
      (e: unknown) =>
        e instanceof EventSearchError && e.failure === 'failed' && e.cause === reverted,
    )
    assert.equal(calls, 1)
  })
})

describe('what providers say when they refuse a range', () => {
  const said: [string, bigint | undefined][] = [
    [
      'You can make eth_getLogs requests with up to a 500 block range. Based on your parameters, this block range should work: [0x123c9b2, 0x123cba5]',
      500n,
    ],
    ['range 1000000 exceeds limit of 10000', 10_000n],
    ['eth_getLogs is limited to a 10,000 range', 10_000n],
    ['exceed maximum block range: 5000', 5_000n],
    ['range 9009594 is bigger than range limit 2000', 2_000n],
    ['block range is too large, max is 2000', 2_000n],
    ['query returned more than 10000 results', undefined],
    ['Log response size exceeded. Please reduce query block range.', undefined],
  ]
  for (const [message, limit] of said)
    test(`${message.slice(0, 50)}: a refused range, limit ${limit ?? 'not stated'}`, () => {
      assert.equal(rpcErrorKind(new Error(message)), 'range')
      assert.equal(refusedRangeLimit(new Error(message)), limit)
    })
  test('the limit is read from the cause chain (viem puts the node’s words in details)', () => {
    const inner = Object.assign(new Error('RPC Request failed.'), {
      details: 'range 20000 exceeds limit of 10000',
    })
    assert.equal(refusedRangeLimit(new Error('outer', { cause: inner })), 10_000n)
  })
})
