import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { base64ToBytes } from '../../src/bytes/base64.ts'
import {
  formatTlogCheckpoint,
  InvalidTlogCheckpointError,
  noteVerifierKey,
  openNote,
  parseTlogCheckpoint,
  signNote,
} from '../../src/c2sp/index.ts'

// The example of c2sp.org/tlog-checkpoint.
const EXAMPLE =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'

describe('tlog checkpoint (c2sp.org/tlog-checkpoint)', () => {
  test('vector: the spec’s example reads and writes back byte for byte', () => {
    const checkpoint = parseTlogCheckpoint(EXAMPLE)
    assert.equal(checkpoint.origin, 'example.com/behind-the-sofa')
    assert.equal(checkpoint.treeSize, 20852163n)
    assert.deepEqual(
      checkpoint.rootHash,
      base64ToBytes('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='),
    )
    assert.deepEqual(checkpoint.extensions, [])
    assert.equal(formatTlogCheckpoint(checkpoint), EXAMPLE)
  })

  test('behavior: sizes as numbers or bigints up to 2^64-1, hex roots, extension lines', () => {
    const rootHash = `0x${'ab'.repeat(32)}` as const
    assert.equal(
      formatTlogCheckpoint({ origin: 'o', treeSize: 0, rootHash }),
      `o\n0\n${'q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s='}\n`,
    )
    const max = formatTlogCheckpoint({
      origin: 'o',
      treeSize: 2n ** 64n - 1n,
      rootHash,
      extensions: ['x y'],
    })
    assert.deepEqual(parseTlogCheckpoint(max).treeSize, 2n ** 64n - 1n)
    assert.deepEqual(parseTlogCheckpoint(max).extensions, ['x y'])
  })

  test('errors: each line is checked and named', () => {
    const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='
    const cases: [string, RegExp][] = [
      [`o\n1\n${root}`, /ends with a newline/],
      ['o\n1\n', /2 lines/],
      [`o\n01\n${root}\n`, /leading zeros/],
      [`o\n-1\n${root}\n`, /decimal uint64/],
      [`o\n18446744073709551616\n${root}\n`, /decimal uint64/],
      [`o\n1\nAAAA\n`, /base64 of 32 bytes/],
      [`o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n`, /base64 of 32 bytes/],
      [`o\n1\n${root}\n\nx\n`, /line 4 is empty/],
      [`\n1\n${root}\n`, /line 1 is empty/],
    ]
    for (const [text, reason] of cases) {
      assert.throws(
        () => parseTlogCheckpoint(text),
        (e: unknown) => {
          assert.ok(e instanceof InvalidTlogCheckpointError, text)
          assert.match(e.message, reason, text)
          return true
        },
      )
    }
    const rootHash = new Uint8Array(32)
    assert.throws(() => formatTlogCheckpoint({ origin: '', treeSize: 1, rootHash }), /origin/)
    assert.throws(() => formatTlogCheckpoint({ origin: 'a\nb', treeSize: 1, rootHash }), /origin/)
    assert.throws(() => formatTlogCheckpoint({ origin: 'o', treeSize: -1, rootHash }), /treeSize/)
    assert.throws(() => formatTlogCheckpoint({ origin: 'o', treeSize: 1.5, rootHash }), /treeSize/)
    assert.throws(
      () => formatTlogCheckpoint({ origin: 'o', treeSize: 1, rootHash: new Uint8Array(31) }),
      /32 bytes/,
    )
    assert.throws(
      () => formatTlogCheckpoint({ origin: 'o', treeSize: 1, rootHash, extensions: [''] }),
      /extensions\[0\]/,
    )
  })

  test('property: format, sign, open and parse give the checkpoint back', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (treeSize, rootHash, seed) => {
          const origin = 'tml-anchor/0011'
          const text = formatTlogCheckpoint({ origin, treeSize, rootHash })
          const note = signNote({ text, signers: [{ name: origin, privateKey: seed }] })
          const opened = openNote({
            note,
            verifiers: [noteVerifierKey({ name: origin, privateKey: seed })],
          })
          assert.deepEqual(parseTlogCheckpoint(opened.text), {
            origin,
            treeSize,
            rootHash,
            extensions: [],
          })
        },
      ),
      { numRuns: 100 },
    )
  })
})
