import { rpcErrorKind } from '@tml/core'
import { createPublicClient, custom, type Log, parseAbiItem, RpcRequestError } from 'viem'
import { describe, expect, test } from 'vitest'
import {
  getEventsChunked,
  LOG_CHUNK_BLOCKS,
  logRangeMemory,
} from '../../src/chain/getEventsChunked.ts'

const event = parseAbiItem('event Ping(uint256 indexed n)')
const address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

/**
 * A fake EIP-1193 endpoint that refuses `eth_getLogs` over more than `maxRange` blocks (as public
 * RPCs do, with their code and words), fails the first `transient` calls of every range with a
 * 503-like error, and has one `Ping` log on every 10,000th block.
 */
function fakeEndpoint({
  maxRange,
  transient = 0,
  refusal = { code: -32005, message: 'query returned more than 10000 results' },
}: {
  maxRange: bigint
  transient?: number
  refusal?: { code: number; message: string }
}) {
  const asked: [bigint, bigint][] = []
  const failures = new Map<string, number>()
  const request = async ({ method, params }: { method: string; params?: unknown }) => {
    if (method === 'eth_chainId') return '0x89'
    if (method !== 'eth_getLogs') throw new Error(`unexpected ${method}`)
    const [filter] = params as [{ fromBlock: `0x${string}`; toBlock: `0x${string}` }]
    const from = BigInt(filter.fromBlock)
    const to = BigInt(filter.toBlock)
    asked.push([from, to])
    const key = `${from}-${to}`
    const failed = failures.get(key) ?? 0
    if (failed < transient) {
      failures.set(key, failed + 1)
      throw Object.assign(new Error('service temporarily unavailable'), { code: -32603 })
    }
    if (to - from + 1n > maxRange) throw Object.assign(new Error(refusal.message), refusal)
    const logs: Partial<Log>[] = []
    for (let block = from; block <= to; block++)
      if (block % 10_000n === 0n)
        logs.push({
          address,
          blockNumber: `0x${block.toString(16)}` as never,
          blockHash: `0x${'11'.repeat(32)}`,
          data: '0x',
          logIndex: '0x0' as never,
          transactionHash: `0x${'22'.repeat(32)}`,
          transactionIndex: '0x0' as never,
          removed: false,
          topics: [
            '0x48257dc961b6f792c2b78a080dacfed693b660960a702de21cee364e20270e2f',
            `0x${block.toString(16).padStart(64, '0')}`,
          ],
        })
    return logs
  }
  // retryCount 0: the retries under test are getEventsChunked's, not viem's transport's.
  const client = createPublicClient({ transport: custom({ request }, { retryCount: 0 }) })
  const read = (fromBlock: bigint, toBlock: bigint) =>
    client.getLogs({ address, event, fromBlock, toBlock, strict: true })
  return { asked, read }
}

const noWait = async () => {}

describe('getEventsChunked', () => {
  test('default: a range the endpoint accepts is read in chunks of 50,000 blocks, in order', async () => {
    const { asked, read } = fakeEndpoint({ maxRange: LOG_CHUNK_BLOCKS })
    const logs = await getEventsChunked({ fromBlock: 1n, toBlock: 120_000n, read, sleep: noWait })
    expect(asked).toEqual([
      [1n, 50_000n],
      [50_001n, 100_000n],
      [100_001n, 120_000n],
    ])
    expect(logs.map((l) => l.blockNumber)).toEqual(
      Array.from({ length: 12 }, (_, i) => BigInt((i + 1) * 10_000)),
    )
  })

  test('behavior: halves the range while the endpoint refuses it, and does not grow back to a refused size', async () => {
    const { asked, read } = fakeEndpoint({ maxRange: 10_000n })
    const logs = await getEventsChunked({
      fromBlock: 1n,
      toBlock: 200_000n,
      read,
      growAfter: 2,
      sleep: noWait,
    })
    expect(logs).toHaveLength(20)
    // 50,000 → 25,000 → 12,500 → 6,250 accepted.
    expect(asked.slice(0, 4).map(([from, to]) => to - from + 1n)).toEqual([
      50_000n,
      25_000n,
      12_500n,
      6_250n,
    ])
    // 12,500 was refused: growth stays below it, so no range is refused again.
    const sizes = asked.map(([from, to]) => to - from + 1n)
    expect(sizes.slice(3).every((size) => size === 6_250n)).toBe(true)
    // Every block read exactly once, in order, by the ranges that were accepted.
    const accepted = asked.filter(([from, to]) => to - from + 1n <= 10_000n)
    let next = 1n
    for (const [from, to] of accepted) {
      expect(from).toBe(next)
      next = to + 1n
    }
    expect(next).toBe(200_001n)
  })

  test('behavior: a -32602 "block range too large" refusal also halves; the learned range is kept', async () => {
    const { asked, read } = fakeEndpoint({
      maxRange: 2_000n,
      refusal: { code: -32602, message: 'block range is too large, max is 2000' },
    })
    const memory = logRangeMemory({ chainId: 137, rpcUrl: 'http://rpc' })
    await getEventsChunked({ fromBlock: 0n, toBlock: 9_999n, read, memory, sleep: noWait })
    expect(memory.blocks).toBeLessThanOrEqual(2_000n)
    // The refusal states the cap: the range is cut to it at once, not halved to it.
    expect(asked.map(([from, to]) => to - from + 1n)).toEqual([
      10_000n,
      2_000n,
      2_000n,
      2_000n,
      2_000n,
      2_000n,
    ])
    expect(logRangeMemory({ chainId: 137, rpcUrl: 'http://rpc' })).toBe(memory)
    asked.length = 0
    await getEventsChunked({ fromBlock: 0n, toBlock: 999n, read, memory, sleep: noWait })
    expect(asked).toEqual([[0n, 999n]])
  })

  test('behavior: transient failures are retried with exponential backoff', async () => {
    const { asked, read } = fakeEndpoint({ maxRange: LOG_CHUNK_BLOCKS, transient: 2 })
    const waits: number[] = []
    const logs = await getEventsChunked({
      fromBlock: 1n,
      toBlock: 60_000n,
      read,
      backoffMs: 100,
      sleep: async (ms) => {
        waits.push(ms)
      },
    })
    expect(logs).toHaveLength(6)
    expect(asked).toHaveLength(6)
    expect(waits).toEqual([100, 200, 100, 200])
  })

  test('errors: gives up after the last retry, and when the floor is refused', async () => {
    const flaky = fakeEndpoint({ maxRange: LOG_CHUNK_BLOCKS, transient: 10 })
    await expect(
      getEventsChunked({
        fromBlock: 1n,
        toBlock: 10n,
        read: flaky.read,
        retries: 3,
        sleep: noWait,
      }),
    ).rejects.toThrow(/temporarily unavailable/)
    expect(flaky.asked).toHaveLength(4)

    const stingy = fakeEndpoint({ maxRange: 8n })
    await expect(
      getEventsChunked({ fromBlock: 1n, toBlock: 1_000n, read: stingy.read, sleep: noWait }),
    ).rejects.toThrow(/more than 10000 results/)
    expect(stingy.asked.at(-1)).toEqual([1n, 16n])
  })

  test('errors: other errors are not retried', async () => {
    let calls = 0
    const read = async () => {
      calls++
      throw new RpcRequestError({
        body: {},
        url: 'http://rpc',
        error: { code: 3, message: 'execution reverted' },
      })
    }
    await expect(
      getEventsChunked({ fromBlock: 1n, toBlock: 5n, read, sleep: noWait }),
    ).rejects.toThrow(/execution reverted/)
    expect(calls).toBe(1)
  })
})

describe('rpcErrorKind', () => {
  test('behavior: the refusals of common public endpoints', () => {
    const rpc = (code: number, message: string) =>
      new RpcRequestError({ body: {}, url: 'http://rpc', error: { code, message } })
    expect(rpcErrorKind(rpc(-32005, 'query returned more than 10000 results'))).toBe('range')
    expect(rpcErrorKind(rpc(-32602, 'Log response size exceeded.'))).toBe('range')
    expect(rpcErrorKind(rpc(-32614, 'eth_getLogs is limited to a 10,000 range'))).toBe('range')
    expect(rpcErrorKind(rpc(-32000, 'exceed maximum block range: 5000'))).toBe('range')
    expect(rpcErrorKind(rpc(-32005, 'daily request count exceeded, request rate limited'))).toBe(
      'transient',
    )
    expect(rpcErrorKind(rpc(-32602, 'invalid argument 0: hex string without 0x prefix'))).toBe(
      'fatal',
    )
  })
})
