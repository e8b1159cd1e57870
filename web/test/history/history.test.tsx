import { render, screen } from '@testing-library/react'
import {
  buildConsistencyProof,
  bytesToHex,
  CompactTree,
  MemoryNodeStore,
  utf8ToBytes,
} from '@tml/core'
import { describe, expect, test } from 'vitest'
import { hashLeaf } from '../../../core/src/merkle/hashLeaf.ts'
import { analyzeEpochs } from '../../src/history/analyzeEpochs.ts'
import {
  type ConsistencyResult,
  checkEpochConsistency,
  consistencyUrl,
} from '../../src/history/checkEpochConsistency.ts'
import { EpochTable } from '../../src/history/EpochTable.tsx'
import { historyToCsv, historyToJson } from '../../src/history/historyExport.ts'
import type { AnchoredEpoch, EpochHistory } from '../../src/history/readEpochHistory.ts'

// A real tree of 9 leaves, with its root at every size, so the epochs carry real roots.
const store = new MemoryNodeStore()
const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
const roots: `0x${string}`[] = [bytesToHex(tree.root())]
for (let i = 0; i < 9; i++) {
  tree.append(hashLeaf(utf8ToBytes(`leaf ${i}`)))
  roots.push(bytesToHex(tree.root()))
}

function epoch(n: number, size: number, timestamp: number): AnchoredEpoch {
  return {
    epoch: BigInt(n),
    treeSize: BigInt(size),
    rootHash: roots[size] as `0x${string}`,
    timestamp: BigInt(timestamp),
    blockNumber: BigInt(10 + n),
    transactionHash: `0x${n.toString(16).padStart(64, '0')}`,
  }
}

function history(epochs: AnchoredEpoch[], overrides: Partial<EpochHistory> = {}): EpochHistory {
  return {
    chainId: 31337,
    logId: `0x${'11'.repeat(32)}`,
    operator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    name: 'gateway-1',
    maxEpochInterval: 3600n,
    declaredAt: 1000n,
    retired: false,
    status: 1,
    epochs,
    equivocations: [],
    chainTime: 10_000n,
    ...overrides,
  }
}

describe('analyzeEpochs', () => {
  test('default: entries and gaps per epoch, the late one flagged', () => {
    const analysis = analyzeEpochs(
      history([epoch(2, 5, 1600), epoch(1, 2, 1100), epoch(3, 9, 9000)]),
    )
    expect(analysis.rows.map((r) => [r.epoch, r.entries, r.gap, r.late])).toEqual([
      [1n, 2n, 100n, false],
      [2n, 3n, 500n, false],
      [3n, 4n, 7400n, true],
    ])
    expect(analysis.lateCount).toBe(1)
    expect(analysis.largestGap).toBe(7400n)
    expect(analysis.missing).toEqual([])
    expect(analysis.overdueBy).toBeUndefined()
  })

  test('behavior: missing epochs, a shrinking tree, and a log late now', () => {
    const analysis = analyzeEpochs(
      history([epoch(1, 5, 1100), epoch(4, 3, 1200)], { chainTime: 6000n }),
    )
    expect(analysis.missing).toEqual([2n, 3n])
    expect(analysis.rows[1]?.shrank).toBe(true)
    expect(analysis.overdueBy).toBe(4800n)
    expect(
      analyzeEpochs(history([epoch(1, 5, 1100)], { chainTime: 6000n, status: 3 })).overdueBy,
    ).toBeUndefined()
  })
})

describe('historyExport', () => {
  const h = history([epoch(1, 2, 1100), epoch(2, 5, 9000)])
  const analysis = analyzeEpochs(h)
  const consistency = new Map<bigint, ConsistencyResult>([
    [1n, { status: 'unchecked', reason: 'first epoch, nothing before it' }],
    [2n, { status: 'failed', reason: 'computed root2 "0xaa", expected 0xbb' }],
  ])

  test('default: CSV with a header, one row per epoch, RFC 4180 quoting', () => {
    expect(historyToCsv(analysis, consistency).split('\r\n')).toEqual([
      'epoch,treeSize,entries,rootHash,timestamp,timeUtc,gapSeconds,late,blockNumber,transactionHash,consistentWithPrevious',
      `1,2,2,${roots[2]},1100,1970-01-01T00:18:20.000Z,100,false,11,0x${'1'.padStart(64, '0')},"first epoch, nothing before it"`,
      `2,5,3,${roots[5]},9000,1970-01-01T02:30:00.000Z,7900,true,12,0x${'2'.padStart(64, '0')},"no: computed root2 ""0xaa"", expected 0xbb"`,
      '',
    ])
  })

  test('default: JSON with decimal strings for uint64 values', () => {
    const json = JSON.parse(historyToJson(h, analysis))
    expect(json.format).toBe('tml-epoch-history/1')
    expect(json.status).toBe('active')
    expect(json.epochs[1]).toEqual({
      epoch: '2',
      treeSize: '5',
      entries: '3',
      rootHash: roots[5],
      timestamp: '9000',
      timeUtc: '1970-01-01T02:30:00.000Z',
      gapSeconds: '7900',
      late: true,
      blockNumber: '12',
      transactionHash: `0x${'2'.padStart(64, '0')}`,
      consistentWithPrevious: 'not checked',
    })
  })
})

describe('checkEpochConsistency', () => {
  const rows = analyzeEpochs(
    history([epoch(1, 2, 1100), epoch(2, 5, 1200), epoch(3, 5, 1300), epoch(4, 9, 1400)]),
  ).rows
  const logId = `0x${'0c'.repeat(32)}`
  const asked: string[] = []
  // Answers as the gateway does: `{ from, to, proof }` for the log's route, 404 for anything else.
  const serve = (
    tamper?: (answer: { from: number; to: number; proof: string[] }) => void,
  ): typeof fetch =>
    (async (input: URL | RequestInfo) => {
      const url = new URL(String(input))
      asked.push(url.href)
      if (url.pathname !== `/base/v1/logs/${logId}/consistency`)
        return new Response('{"error":"not_found","message":"no route"}', { status: 404 })
      const from = Number(url.searchParams.get('from'))
      const to = Number(url.searchParams.get('to'))
      const proof = (await buildConsistencyProof({ size1: from, size2: to, store })).map(bytesToHex)
      const answer = { from, to, proof }
      tamper?.(answer)
      return new Response(JSON.stringify(answer), {
        headers: { 'content-type': 'application/json' },
      })
    }) as typeof fetch

  const run = async (fetchFn: typeof fetch) => {
    const results = new Map<bigint, ConsistencyResult>()
    await checkEpochConsistency({
      rows,
      logId,
      gatewayUrl: 'https://gw.example/base',
      fetchFn,
      onResult: (e, r) => results.set(e, r),
    })
    return [...results.entries()].map(([e, r]) => [Number(e), r.status])
  }

  test('default: proofs from the gateway are checked against the roots the chain holds', async () => {
    expect(await run(serve())).toEqual([
      [1, 'unchecked'],
      [2, 'ok'],
      [3, 'ok'],
      [4, 'ok'],
    ])
    expect(asked).toContain(`https://gw.example/base/v1/logs/${logId}/consistency?from=2&to=5`)
    expect(consistencyUrl('https://gw.example/base/', logId, 5n, 9n).href).toBe(
      `https://gw.example/base/v1/logs/${logId}/consistency?from=5&to=9`,
    )
  })

  describe('errors', () => {
    test('a corrupt proof fails; a malformed answer fails; an HTTP error leaves the pair unchecked', async () => {
      expect(
        await run(
          serve(({ proof }) => {
            proof[0] = `0x${'ab'.repeat(32)}`
          }),
        ),
      ).toEqual([
        [1, 'unchecked'],
        [2, 'failed'],
        [3, 'ok'],
        [4, 'failed'],
      ])
      expect(await run(serve(({ proof }) => void proof.push('0x12')))).toEqual([
        [1, 'unchecked'],
        [2, 'failed'],
        [3, 'ok'],
        [4, 'failed'],
      ])
      expect(
        await run((async () => new Response('nope', { status: 503 })) as typeof fetch),
      ).toEqual([
        [1, 'unchecked'],
        [2, 'unchecked'],
        [3, 'ok'],
        [4, 'unchecked'],
      ])
    })

    test('an answer for other sizes than asked fails, naming both', async () => {
      const reasons = new Map<bigint, ConsistencyResult>()
      await checkEpochConsistency({
        rows,
        logId,
        gatewayUrl: 'https://gw.example/base',
        // A valid proof, but between other sizes: it would be checked against the wrong roots.
        fetchFn: serve((answer) => {
          answer.from = 1
        }),
        onResult: (e, r) => reasons.set(e, r),
      })
      expect(reasons.get(2n)).toEqual({
        status: 'failed',
        reason: 'the gateway answered for sizes 1 → 5, not the 2 → 5 asked for',
      })
      const missing = new Map<bigint, ConsistencyResult>()
      await checkEpochConsistency({
        rows,
        logId,
        gatewayUrl: 'https://gw.example/base',
        fetchFn: (async () => Response.json({ proof: [] })) as typeof fetch,
        onResult: (e, r) => missing.set(e, r),
      })
      expect(missing.get(4n)).toMatchObject({ status: 'failed' })
      expect((missing.get(4n) as { reason: string }).reason).toMatch(/sizes undefined → undefined/)
    })

    test("the gateway's error message is shown", async () => {
      const results = new Map<bigint, ConsistencyResult>()
      await checkEpochConsistency({
        rows,
        logId: `0x${'0d'.repeat(32)}`,
        gatewayUrl: 'https://gw.example/base',
        fetchFn: serve(),
        onResult: (e, r) => results.set(e, r),
      })
      expect(results.get(2n)).toEqual({
        status: 'unchecked',
        reason: 'the gateway answered 404: no route',
      })
    })
  })
})

describe('EpochTable', () => {
  test('default: newest first; late and inconsistent epochs stand out and say so', () => {
    const rows = analyzeEpochs(history([epoch(1, 2, 1100), epoch(2, 5, 9000)])).rows
    render(
      <EpochTable
        rows={rows}
        explorer={{ tx: 'https://explorer.example/tx/{hash}' }}
        consistency={
          new Map([[2n, { status: 'failed', reason: 'computed root2 0xaa does not match' }]])
        }
      />,
    )
    const body = screen.getAllByRole('row').slice(1)
    expect(body.map((r) => r.className)).toEqual(['bad', ''])
    expect(body[0]?.textContent).toContain('2 h 11 min late')
    expect(body[0]?.textContent).toContain('✗ computed root2 0xaa does not match')
    expect(screen.getAllByRole('link')[0]?.getAttribute('href')).toBe(
      `https://explorer.example/tx/0x${'2'.padStart(64, '0')}`,
    )
  })
})
