// The per-entry checks of tml audit on their shortcuts: the canonical text of a parsed MTL
// written by JSON.stringify when its members are in order, the receipt's signed text written
// directly, and the pool that hands batches to a worker or checks them on the caller's thread.
// Each shortcut must give core's bytes, and every tampered field must still be found, whichever
// path or thread checks it.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  canonicalBytes,
  canonicalize,
  type Hex,
  hashLeaf,
  RECEIPT_VERSION,
  type SignedReceipt,
} from '@tml/core'
import { checkEntryBytes, checkEntryLines } from '../../src/audit/checkEntryLines.ts'
import { createReceiptVerifier } from '../../src/audit/createReceiptVerifier.ts'
import { EntryCheckPool } from '../../src/audit/EntryCheckPool.ts'
import { parsedCanonicalText } from '../../src/audit/parsedCanonicalText.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { nodeSha256 } from '../../src/keys/nodeSha256.ts'

describe('parsedCanonicalText', () => {
  // A small deterministic generator of JSON texts with the cases where JSON.stringify and
  // RFC 8785 part: member order, integer-like keys, escapes, surrogates, odd numbers.
  let state = 7
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % n
  }
  const KEYS = ['a', 'b', 'B', '10', '9', '__proto__', 'é', '\u{1f600}', 'z_', '', 'a\nb']
  const STRINGS = ['x', '', 'é€', '\u{1f600}', '\\ud800', 'q"\\\\', '\\u0001\\t', 'ud800']
  const NUMBERS = [
    '0',
    '-0',
    '1e400',
    '-1e400',
    '1e21',
    '0.1',
    '5e-7',
    '-12.50',
    '123456789012345678901',
  ]
  const text = (depth: number): string => {
    const r = rand(depth > 3 ? 4 : 7)
    if (r === 0) return `"${STRINGS[rand(STRINGS.length)]}"`
    if (r === 1) return NUMBERS[rand(NUMBERS.length)] as string
    if (r === 2) return ['true', 'false', 'null'][rand(3)] as string
    if (r === 3) return `"${'k'.repeat(rand(3))}"`
    if (r === 4) return `[${Array.from({ length: rand(4) }, () => text(depth + 1)).join(',')}]`
    const keys = [...new Set(Array.from({ length: rand(5) }, () => KEYS[rand(KEYS.length)]))]
    // Half the objects in sorted order (the fast path), half as they come.
    if (rand(2) === 0) keys.sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${text(depth + 1)}`).join(',')}}`
  }
  const outcome = (f: () => string) => {
    try {
      return { text: f() }
    } catch (e) {
      return { error: (e as Error).message }
    }
  }

  test('default: gives canonicalize’s text, or its error, for any parsed JSON', () => {
    let fast = 0
    for (let i = 0; i < 3000; i++) {
      const source = text(0)
      const value = JSON.parse(source) as unknown
      const mine = outcome(() => parsedCanonicalText(value))
      assert.deepEqual(
        mine,
        outcome(() => canonicalize(value)),
        source,
      )
      if (mine.text === JSON.stringify(value)) fast++
    }
    // Both paths were taken many times.
    assert.ok(fast > 500 && fast < 2900, `${fast} of 3000 by JSON.stringify`)
  })

  test('behavior: the cases where JSON.stringify is not RFC 8785 go to canonicalize', () => {
    assert.equal(parsedCanonicalText(JSON.parse('{"b":1,"a":2}')), '{"a":2,"b":1}')
    // Integer-like keys come first in a parsed object, in numeric order: "10" < "9" in RFC 8785.
    assert.equal(parsedCanonicalText(JSON.parse('{"10":1,"9":2}')), '{"10":1,"9":2}')
    assert.equal(parsedCanonicalText(JSON.parse('[-0]')), '[0]')
    assert.throws(() => parsedCanonicalText(JSON.parse('{"a":1e400}')), /\$\.a/)
    assert.throws(() => parsedCanonicalText(JSON.parse('["\\udc00"]')), /surrogate/)
    assert.equal(parsedCanonicalText(JSON.parse('["\\\\ud800"]')), '["\\\\ud800"]')
    assert.throws(() => parsedCanonicalText({ a: undefined }), /\$\.a/)
    assert.throws(() => parsedCanonicalText({ a: new Date(0) }), /\$\.a/)
  })
})

describe('checkEntryLines: every tampered field is found', () => {
  const seed = new Uint8Array(randomBytes(32))
  const signer = createReceiptSigner(seed)
  const logId = bytesToHex(new Uint8Array(randomBytes(32))) as Hex
  const verifyReceipt = createReceiptVerifier(signer.publicKey)
  const mtlOf = (seq: number) => ({
    kind: 'decision',
    log_id: logId,
    metrics: { confidence: 0.9, entropy: 0.1 },
    seq,
    state: 1,
    timestamp: new Date(1_700_000_000_000 + seq).toISOString(),
    trace_id: `00000000-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`,
    v: 'mtl/1',
  })
  const entryOf = (seq: number, mtl: Record<string, unknown> = mtlOf(seq)) => {
    // Core's leaf hash and signed bytes: the reference the shortcuts must meet.
    const leafHash = bytesToHex(hashLeaf(canonicalBytes(mtl), nodeSha256)) as Hex
    const receipt = signer.sign({
      v: RECEIPT_VERSION,
      logId,
      traceId: String(mtl.trace_id),
      seq,
      leafHash,
      timestamp: String(mtl.timestamp),
    })
    return { type: 'entry', seq, trace_id: mtl.trace_id, leaf_hash: leafHash, mtl, receipt }
  }
  type Entry = ReturnType<typeof entryOf>
  const check = (e: Entry | string) =>
    checkEntryLines({
      lines: [typeof e === 'string' ? e : JSON.stringify(e)],
      firstLine: 2,
      logId,
      verifyReceipt,
    })
  const kinds = (e: Entry | string) => check(e).problems.map((p) => p.kind)

  test('default: an entry whose MTL is in canonical order, or not, checks clean', () => {
    const sorted = entryOf(5)
    assert.deepEqual(kinds(sorted), [])
    const { v, ...rest } = sorted.mtl
    const unsorted = { ...sorted, mtl: { v, ...rest } }
    assert.notEqual(JSON.stringify(unsorted.mtl), canonicalize(unsorted.mtl))
    assert.deepEqual(kinds(unsorted), [])
    const checked = check(sorted)
    assert.equal(bytesToHex(checked.leaves), sorted.leaf_hash)
  })

  test('behavior: a changed MTL value, served leaf hash or receipt field is a problem', () => {
    const e = entryOf(6)
    const tampered: [string, Entry, string][] = [
      ['mtl value', { ...e, mtl: { ...e.mtl, state: -1 } }, 'mtl'],
      ['mtl value, members unsorted', { ...e, mtl: { v: 'mtl/1', ...e.mtl, state: 0 } }, 'mtl'],
      ['mtl seq', entryOf(6, { ...mtlOf(6), seq: 7 }), 'mtl'],
      ['mtl log', entryOf(6, { ...mtlOf(6), log_id: `0x${'00'.repeat(32)}` }), 'mtl'],
      ['served leaf hash', { ...e, leaf_hash: `0x${'11'.repeat(32)}` as Hex }, 'mtl'],
      [
        'receipt leaf',
        { ...e, receipt: { ...e.receipt, leafHash: `0x${'22'.repeat(32)}` } },
        'receipt',
      ],
      ['receipt seq', { ...e, receipt: { ...e.receipt, seq: 7 } }, 'receipt'],
      ['receipt trace', { ...e, receipt: { ...e.receipt, traceId: 'other' } }, 'receipt'],
      [
        'receipt time',
        { ...e, receipt: { ...e.receipt, timestamp: '2020-01-01T00:00:00Z' } },
        'receipt',
      ],
      [
        'receipt signature',
        {
          ...e,
          receipt: {
            ...e.receipt,
            signature: e.receipt.signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')) as Hex,
          },
        },
        'receipt',
      ],
      [
        'receipt version',
        { ...e, receipt: { ...e.receipt, v: 'tml-receipt/1' as typeof RECEIPT_VERSION } },
        'receipt',
      ],
    ]
    for (const [what, entry, kind] of tampered) assert.ok(kinds(entry).includes(kind), what)
  })

  test('behavior: a receipt the signer’s shortcut cannot write is checked by core’s bytes', () => {
    // A trace id with a quote is not plain text: the verifier falls back to the serializer.
    const mtl = { ...mtlOf(9), trace_id: 'trace "nine"' }
    const e = entryOf(9, mtl)
    assert.deepEqual(kinds(e), [])
    const forged = { ...e, receipt: { ...e.receipt, timestamp: '2020-01-01T00:00:00Z' } }
    assert.equal(verifyReceipt(forged.receipt as SignedReceipt), false)
  })

  describe('sampled receipt signatures', () => {
    const forge = (e: Entry): Entry => ({
      ...e,
      receipt: {
        ...e.receipt,
        signature: e.receipt.signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')) as Hex,
      },
    })
    // A checkpoint line: where the audit's promise check starts over.
    const checkpointLine = JSON.stringify({
      type: 'checkpoint',
      checkpoint: { logId, epoch: 1, treeSize: 5, rootHash: `0x${'00'.repeat(32)}`, timestamp: 1 },
      signature: '0x',
      anchors: [],
    })
    const run = (entries: (Entry | string)[], rate: number) =>
      checkEntryLines({
        lines: entries.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
        firstLine: 2,
        logId,
        verifyReceipt,
        sample: { rate, random: () => 0.5 },
      })
    const invalid = (c: ReturnType<typeof run>) =>
      c.problems.filter((p) => /signature invalid/.test(p.message)).map((p) => p.message)

    test('behavior: the earliest receipt of each run between checkpoints is always verified', () => {
      const entries = Array.from({ length: 10 }, (_, seq) => entryOf(seq))
      const lines: (Entry | string)[] = [
        ...entries.slice(0, 5),
        checkpointLine,
        ...entries.slice(5),
      ]
      // Rate 0: nothing at random, only the two runs' earliest receipts (seq 0 and 5).
      assert.equal(run(lines, 0).signaturesChecked, 2)
      for (const forged of [0, 5]) {
        const tampered = lines.map((l) =>
          typeof l !== 'string' && l.seq === forged ? forge(l) : l,
        )
        assert.deepEqual(invalid(run(tampered, 0)), [`entry ${forged}: receipt signature invalid`])
      }
      // Another receipt is not verified at rate 0, and is at rate 1.
      const third = lines.map((l) => (typeof l !== 'string' && l.seq === 3 ? forge(l) : l))
      assert.deepEqual(invalid(run(third, 0)), [])
      assert.deepEqual(invalid(run(third, 1)), ['entry 3: receipt signature invalid'])
      assert.equal(run(lines, 1).signaturesChecked, 10)
    })

    test('adversarial: a receipt dated earlier than its neighbours is the one verified', () => {
      // A forger who moves a receipt's time earlier (to make a promise look broken) makes it
      // the run's earliest, whose signature is always verified.
      const entries = Array.from({ length: 6 }, (_, seq) => entryOf(seq))
      const moved = entries.map((e) =>
        e.seq === 4
          ? { ...e, receipt: { ...e.receipt, timestamp: '2023-01-01T00:00:00.000Z' } }
          : e,
      )
      assert.deepEqual(invalid(run(moved, 0)), ['entry 4: receipt signature invalid'])
    })

    test('behavior: the pool’s worker threads sample as the caller’s thread does', async () => {
      const bytes = new TextEncoder().encode(
        `${Array.from({ length: 30 }, (_, seq) => JSON.stringify(entryOf(seq))).join('\n')}\n`,
      )
      const pool = new EntryCheckPool({
        threads: 2,
        logId,
        receiptKeys: [{ fromSeq: 0, publicKey: signer.publicKey }],
        sampleRate: 0,
      })
      try {
        // Six batches in flight: some go to the worker, some are checked inline.
        const checked = await Promise.all(
          Array.from({ length: 6 }, (_, i) => pool.check(bytes.slice(), 30 * i + 2)),
        )
        assert.deepEqual(
          checked.map((c) => c.signaturesChecked),
          [1, 1, 1, 1, 1, 1],
        )
      } finally {
        await pool.close()
      }
    })

    test('behavior: without an injected source, the share drawn is the rate', () => {
      const lines = Array.from({ length: 2000 }, (_, seq) => JSON.stringify(entryOf(seq)))
      const checked = checkEntryLines({
        lines,
        firstLine: 2,
        logId,
        verifyReceipt,
        sample: { rate: 0.5 },
      })
      // Binomial(1999, 0.5) + the pinned one: mean 1000.5, standard deviation 22.4; this
      // window is ±6.6 deviations.
      assert.ok(
        checked.signaturesChecked > 852 && checked.signaturesChecked < 1149,
        `${checked.signaturesChecked} of 2000`,
      )
      assert.deepEqual(checked.problems, [])
    })
  })

  test('errors: an MTL with no canonical form is reported, not thrown', () => {
    const line = JSON.stringify(entryOf(3)).replace('"kind":"decision"', '"kind":"\\ud800"')
    const checked = check(line)
    assert.match(checked.problems[0]?.message ?? '', /entry 3: no canonical form/)
  })

  test('behavior: the pool finds the same problems whichever thread checks a batch', async () => {
    const lines = Array.from({ length: 400 }, (_, seq) => {
      const e = entryOf(seq)
      return JSON.stringify(seq % 37 === 5 ? { ...e, mtl: { ...e.mtl, state: 0 } } : e)
    })
    const batches = Array.from({ length: 20 }, (_, i) =>
      new TextEncoder().encode(`${lines.slice(20 * i, 20 * i + 20).join('\n')}\n`),
    )
    const inline = batches.map((bytes, i) =>
      checkEntryBytes({ bytes, firstLine: 20 * i + 2, logId, verifyReceipt }),
    )
    const pool = new EntryCheckPool({
      threads: 2,
      logId,
      receiptKeys: [{ fromSeq: 0, publicKey: signer.publicKey }],
    })
    try {
      const pooled = await Promise.all(
        batches.map((bytes, i) => pool.check(bytes.slice(), 20 * i + 2)),
      )
      assert.deepEqual(
        pooled.map((c) => ({ problems: c.problems, leaves: bytesToHex(c.leaves) })),
        inline.map((c) => ({ problems: c.problems, leaves: bytesToHex(c.leaves) })),
      )
      assert.equal(
        pooled.flatMap((c) => c.problems).filter((p) => p.kind === 'mtl').length,
        lines.filter((_, seq) => seq % 37 === 5).length,
      )
    } finally {
      await pool.close()
    }
  })
})
