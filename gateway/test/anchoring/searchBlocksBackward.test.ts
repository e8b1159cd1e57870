import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { rpcErrorKind } from '@tml/core'
import { createPublicClient, custom } from 'viem'
import { type BlockSpan, searchBlocksBackward } from '../../src/anchoring/searchBlocksBackward.ts'

const address = '0x00000000000000000000000000000000000000aa'
const topic = '0x0000000000000000000000000000000000000000000000000000000000000007'

/**
 * A viem client over a fake node that refuses `eth_getLogs` ranges above `maxRange` blocks with
 * the JSON-RPC error a public provider answers, fails the first `flaky` calls with HTTP 503, and
 * holds one event at block `eventAt`. It records every range asked.
 */
function fakeNode(p: { maxRange: bigint; eventAt?: bigint; flaky?: number; refusal?: string }) {
  const asked: Array<[bigint, bigint]> = []
  let flaky = p.flaky ?? 0
  const client = createPublicClient({
    transport: custom(
      {
        async request({ method, params }: { method: string; params: unknown }) {
          if (method !== 'eth_getLogs') throw new Error(`the fake node has no ${method}`)
          const [filter] = params as [{ fromBlock: string; toBlock: string }]
          const from = BigInt(filter.fromBlock)
          const to = BigInt(filter.toBlock)
          asked.push([from, to])
          if (flaky > 0) {
            flaky--
            throw Object.assign(new Error('503 Service Unavailable'), { code: -32603 })
          }
          if (to - from + 1n > p.maxRange) {
            throw Object.assign(
              new Error(p.refusal ?? `block range too large: maximum is ${p.maxRange} blocks`),
              { code: -32602 },
            )
          }
          if (p.eventAt === undefined || p.eventAt < from || p.eventAt > to) return []
          return [
            {
              address,
              topics: [topic],
              data: '0x',
              blockNumber: `0x${p.eventAt.toString(16)}`,
              blockHash: `0x${'11'.repeat(32)}`,
              transactionHash: `0x${'22'.repeat(32)}`,
              transactionIndex: '0x0',
              logIndex: '0x0',
              removed: false,
            },
          ]
        },
      },
      { retryCount: 0 },
    ),
  })
  const query = async (fromBlock: bigint, toBlock: bigint) => {
    const logs = await client.getLogs({ address, fromBlock, toBlock })
    return logs[0]?.blockNumber ?? undefined
  }
  return { asked, query }
}

const noSleep = async () => {}

describe('searchBlocksBackward', () => {
  test('halves a refused range down to what the node accepts, and finds the event', async () => {
    const node = fakeNode({ maxRange: 1_000n, eventAt: 12_345n })
    const span: BlockSpan = { blocks: 5_000n }
    const found = await searchBlocksBackward({
      fromBlock: 0n,
      toBlock: 20_000n,
      span,
      query: node.query,
      sleep: noSleep,
    })
    assert.equal(found, 12_345n)
    // 5,000 refused, in words that state the cap: then 1,000-block ranges, never more.
    assert.deepEqual(
      node.asked.slice(0, 4).map(([f, t]) => t - f + 1n),
      [5_000n, 1_000n, 1_000n, 1_000n],
    )
    assert.equal(span.blocks, 1_000n)
    assert.equal(span.refused, 1_001n)
    for (const [from, to] of node.asked.slice(3)) assert.ok(to - from + 1n <= 1_000n)
    // The ranges asked cover the blocks from the newest down to the event, without gaps.
    const answered = node.asked.filter(([f, t]) => t - f + 1n <= 1_000n)
    assert.equal(answered[0]?.[1], 20_000n)
    for (let i = 1; i < answered.length; i++) {
      assert.equal(answered[i]?.[1], (answered[i - 1]?.[0] ?? 0n) - 1n)
    }
  })

  test('the span learned is kept for the next search on the same node', async () => {
    const node = fakeNode({ maxRange: 1_000n })
    const span = { blocks: 5_000n }
    await searchBlocksBackward({ fromBlock: 0n, toBlock: 3_000n, span, query: node.query })
    const refusedFirst = node.asked.filter(([f, t]) => t - f + 1n > 1_000n).length
    node.asked.length = 0
    await searchBlocksBackward({ fromBlock: 0n, toBlock: 3_000n, span, query: node.query })
    assert.equal(refusedFirst, 1)
    assert.equal(node.asked.filter(([f, t]) => t - f + 1n > 1_000n).length, 0)
  })

  test('grows the span after ranges are answered, up to the maximum', async () => {
    const node = fakeNode({ maxRange: 1_000_000n })
    const span = { blocks: 100n }
    const found = await searchBlocksBackward({
      fromBlock: 0n,
      toBlock: 100_000n,
      span,
      query: node.query,
      maxBlocks: 3_200n,
      growAfter: 2,
    })
    assert.equal(found, undefined)
    const sizes = node.asked.map(([f, t]) => t - f + 1n)
    assert.deepEqual(sizes.slice(0, 7), [100n, 100n, 200n, 200n, 400n, 400n, 800n])
    assert.equal(span.blocks, 3_200n)
    // Every block from the newest to the deployment block is asked once.
    assert.equal(
      sizes.reduce((a, b) => a + b, 0n),
      100_001n,
    )
  })

  test('stops at the deployment block', async () => {
    const node = fakeNode({ maxRange: 10_000n })
    await searchBlocksBackward({
      fromBlock: 7_000n,
      toBlock: 9_000n,
      span: { blocks: 5_000n },
      query: node.query,
    })
    assert.deepEqual(node.asked, [[7_000n, 9_000n]])
  })

  test('retries a transient error with growing pauses, then goes on', async () => {
    const node = fakeNode({ maxRange: 10_000n, eventAt: 50n, flaky: 2 })
    const pauses: number[] = []
    const found = await searchBlocksBackward({
      fromBlock: 0n,
      toBlock: 100n,
      span: { blocks: 5_000n },
      query: node.query,
      backoffMs: 100,
      sleep: async (ms) => {
        pauses.push(ms)
      },
    })
    assert.equal(found, 50n)
    assert.deepEqual(pauses, [100, 200])
    assert.equal(node.asked.length, 3)
  })

  test('gives up after the retries, with the node’s error', async () => {
    const node = fakeNode({ maxRange: 10_000n, flaky: 10 })
    await assert.rejects(
      searchBlocksBackward({
        fromBlock: 0n,
        toBlock: 100n,
        span: { blocks: 5_000n },
        query: node.query,
        retries: 2,
        sleep: noSleep,
      }),
      /503 Service Unavailable/,
    )
    assert.equal(node.asked.length, 3)
  })

  test('a node that refuses even the smallest span fails the search', async () => {
    const node = fakeNode({ maxRange: 5n })
    await assert.rejects(
      searchBlocksBackward({
        fromBlock: 0n,
        toBlock: 1_000n,
        span: { blocks: 80n },
        query: node.query,
        minBlocks: 10n,
      }),
      /block range too large/,
    )
    assert.deepEqual(
      node.asked.map(([f, t]) => t - f + 1n),
      [80n, 10n],
    )
  })

  test('an error neither about the range nor transient is not retried', async () => {
    let calls = 0
    await assert.rejects(
      searchBlocksBackward({
        fromBlock: 0n,
        toBlock: 100n,
        span: { blocks: 50n },
        query: async () => {
          calls++
          throw new Error('execution reverted: unknown event')
        },
      }),
      /unknown event/,
    )
    assert.equal(calls, 1)
  })
})

describe('rpcErrorKind', () => {
  // Words of public providers' refusals and failures, as they answer them.
  const range = [
    'query returned more than 10000 results',
    'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range',
    'exceed maximum block range: 50000',
    'block range is too wide',
    'eth_getLogs is limited to a 10,000 range',
    'ranges over 10000 blocks are not supported',
    'query exceeds max block range 100000',
    'block range too large',
    'too many blocks requested',
  ]
  for (const message of range) {
    test(`range: ${message}`, () => assert.equal(rpcErrorKind(new Error(message)), 'range'))
  }
  const transient = [
    'Too Many Requests',
    'rate limit exceeded',
    'request timed out',
    'header not found',
    'fetch failed',
  ]
  for (const message of transient) {
    test(`transient: ${message}`, () => assert.equal(rpcErrorKind(new Error(message)), 'transient'))
  }
  test('transient: HTTP 429 and 5xx, a timeout, no answer at all', () => {
    assert.equal(rpcErrorKind(Object.assign(new Error('x'), { status: 429 })), 'transient')
    assert.equal(rpcErrorKind(Object.assign(new Error('x'), { status: 502 })), 'transient')
    assert.equal(rpcErrorKind(Object.assign(new Error('x'), { name: 'TimeoutError' })), 'transient')
    assert.equal(
      rpcErrorKind(
        new Error('outer', { cause: Object.assign(new Error('x'), { name: 'HttpRequestError' }) }),
      ),
      'transient',
    )
  })
  test('fatal: anything else', () => {
    assert.equal(rpcErrorKind(new Error('invalid argument 0: hex string has odd length')), 'fatal')
    assert.equal(rpcErrorKind(Object.assign(new Error('x'), { status: 400 })), 'fatal')
  })
})
