// The pieces of tml audit that run per entry: the OpenSSL receipt checker against core's
// verifyReceipt, and the NDJSON batcher.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  type Hex,
  receiptPublicKey,
  type SignedReceipt,
  signReceipt,
  verifyReceipt,
} from '@tml/core'
import { batchLines } from '../../src/audit/batchLines.ts'
import { createReceiptVerifier } from '../../src/audit/createReceiptVerifier.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

describe('createReceiptVerifier', () => {
  const seed = bytesToHex(new Uint8Array(randomBytes(32))) as Hex
  const publicKey = receiptPublicKey(seed)
  const valid = createReceiptVerifier(publicKey)
  const receipt = (seq: number) => ({
    v: 'tml-receipt/2' as const,
    logId: bytesToHex(new Uint8Array(randomBytes(32))) as Hex,
    traceId: randomUUID(),
    seq,
    leafHash: bytesToHex(new Uint8Array(randomBytes(32))) as Hex,
    timestamp: new Date().toISOString(),
  })
  const gateway = createReceiptSigner(Buffer.from(seed.slice(2), 'hex'))

  test('default: agrees with core on receipts signed by core and by the gateway', () => {
    for (let seq = 0; seq < 20; seq++) {
      for (const signed of [
        signReceipt({ receipt: receipt(seq), privateKey: seed }),
        gateway.sign(receipt(seq)),
      ]) {
        assert.equal(valid(signed), true)
        assert.equal(verifyReceipt({ receipt: signed, publicKey }), true)
      }
    }
  })

  test('behavior: a changed field, the high-s twin, another key and junk are refused, as by core', () => {
    const signed = signReceipt({ receipt: receipt(7), privateKey: seed })
    const s = BigInt(`0x${signed.signature.slice(66)}`)
    const highS = `${signed.signature.slice(0, 66)}${(N - s).toString(16).padStart(64, '0')}` as Hex
    const other = createReceiptVerifier(
      receiptPublicKey(bytesToHex(new Uint8Array(randomBytes(32))) as Hex),
    )
    const cases: [string, SignedReceipt, (r: SignedReceipt) => boolean][] = [
      ['seq', { ...signed, seq: 8 }, valid],
      ['timestamp', { ...signed, timestamp: '2020-01-01T00:00:00Z' }, valid],
      ['high s', { ...signed, signature: highS }, valid],
      ['short signature', { ...signed, signature: '0x1234' }, valid],
      ['no signature', { ...signed, signature: undefined as unknown as Hex }, valid],
      ['other key', signed, other],
    ]
    for (const [what, r, check] of cases) {
      assert.equal(check(r), false, what)
      if (check === valid) assert.equal(verifyReceipt({ receipt: r, publicKey }), false, what)
    }
  })

  test('errors: a key that is not an uncompressed P-256 point is refused with its value', () => {
    assert.throws(
      () => createReceiptVerifier('0x1234'),
      /receipt key 0x1234 is not an uncompressed P-256 key/,
    )
  })
})

describe('batchLines', () => {
  const encode = (s: string) => new TextEncoder().encode(s)
  async function* chunks(text: string, size: number) {
    const bytes = encode(text)
    for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
  }
  const collect = async (text: string, chunk: number, batch: number) => {
    const out: { text: string; firstLine: number; lineCount: number }[] = []
    for await (const b of batchLines(chunks(text, chunk), batch))
      out.push({
        text: new TextDecoder().decode(b.bytes),
        firstLine: b.firstLine,
        lineCount: b.lineCount,
      })
    return out
  }

  test('default: the header alone first, then whole lines numbered as in the file', async () => {
    const lines = [
      '{"type":"header"}',
      ...Array.from({ length: 50 }, (_, i) => `{"seq":${i},"é":"ü"}`),
    ]
    const text = `${lines.join('\n')}\n`
    for (const chunk of [1, 7, 64, 4096])
      for (const size of [1, 40, 1000]) {
        const batches = await collect(text, chunk, size)
        assert.equal(batches[0]?.text, `${lines[0]}\n`)
        assert.equal(batches.map((b) => b.text).join(''), text, `chunk ${chunk} size ${size}`)
        for (const b of batches) {
          assert.ok(b.text.endsWith('\n'))
          assert.equal(b.text.split('\n').length - 1, b.lineCount)
          assert.equal(lines.indexOf(b.text.split('\n')[0] as string) + 1, b.firstLine)
        }
      }
  })

  test('behavior: a last line without a newline is a line', async () => {
    const batches = await collect('h\na\nb', 3, 1000)
    assert.deepEqual(batches, [
      { text: 'h\n', firstLine: 1, lineCount: 1 },
      { text: 'a\nb', firstLine: 2, lineCount: 2 },
    ])
  })
})
