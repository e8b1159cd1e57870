import assert from 'node:assert/strict'
import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { describe, test } from 'node:test'
import { bytesToHex, type Hex, hexToBytes } from '../../src/bytes/hex.ts'
import { bytesToUtf8 } from '../../src/bytes/utf8.ts'
import { hashMtl } from '../../src/mtl/hashMtl.ts'
import { InvalidReceiptError } from '../../src/receipt/InvalidReceiptError.ts'
import type { Receipt, SignedReceipt } from '../../src/receipt/Receipt.ts'
import { receiptPublicKey } from '../../src/receipt/receiptPublicKey.ts'
import { receiptSigningBytes } from '../../src/receipt/receiptSigningBytes.ts'
import { signReceipt } from '../../src/receipt/signReceipt.ts'
import { validateReceipt } from '../../src/receipt/validateReceipt.ts'
import { verifyReceipt } from '../../src/receipt/verifyReceipt.ts'
import { sampleDecisionMtl } from '../fixtures/mtl.ts'

// A fixed test seed: public, for tests only.
const TEST_SEED: Hex = `0x${'42'.repeat(32)}`
const publicKey = receiptPublicKey(TEST_SEED)
const mtl = sampleDecisionMtl()

const receipt: Receipt = {
  v: 'tml-receipt/2',
  logId: mtl.log_id,
  traceId: mtl.trace_id,
  seq: mtl.seq,
  leafHash: bytesToHex(hashMtl(mtl)),
  timestamp: '2025-03-14T09:26:53.601Z',
}

describe('signReceipt / verifyReceipt', () => {
  test('default: signs the canonical JSON of the six fields, and verifies', () => {
    const signed = signReceipt({ receipt, privateKey: TEST_SEED })
    assert.deepEqual(Object.keys(signed), [...Object.keys(receipt), 'signature'])
    assert.equal(
      bytesToUtf8(receiptSigningBytes(signed)),
      `{"leafHash":"${receipt.leafHash}","logId":"${receipt.logId}","seq":0,"timestamp":"2025-03-14T09:26:53.601Z","traceId":"0192d4e0-6f00-7a11-9b22-3c4d5e6f7a8b","v":"tml-receipt/2"}`,
    )
    assert.equal(verifyReceipt({ receipt: signed, publicKey }), true)
    assert.equal(verifyReceipt({ receipt: signed, publicKey: hexToBytes(publicKey) }), true)
  })

  test('behavior: OpenSSL verifies the signature over the same bytes (P-256, SHA-256, r ‖ s)', () => {
    const signed = signReceipt({ receipt, privateKey: TEST_SEED })
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.from(publicKey.slice(4, 68), 'hex').toString('base64url'),
        y: Buffer.from(publicKey.slice(68), 'hex').toString('base64url'),
      },
      format: 'jwk',
    })
    assert.equal(
      nodeVerify(
        'sha256',
        receiptSigningBytes(receipt),
        { key, dsaEncoding: 'ieee-p1363' },
        hexToBytes(signed.signature),
      ),
      true,
    )
    // Low s, so that the chain's P256.verify accepts it.
    assert.ok(
      BigInt(`0x${signed.signature.slice(66)}`) <=
        0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n,
    )
  })

  test('behavior: the key may be bytes, and the caller buffer is left alone', () => {
    const seed = hexToBytes(TEST_SEED)
    const signed = signReceipt({ receipt, privateKey: seed })
    assert.equal(signed.signature, signReceipt({ receipt, privateKey: TEST_SEED }).signature)
    assert.equal(bytesToHex(seed), TEST_SEED)
  })

  test('behavior: changing any signed field, or the key, breaks the signature', () => {
    const signed = signReceipt({ receipt, privateKey: TEST_SEED })
    const changes: Partial<SignedReceipt>[] = [
      { logId: `0x${'00'.repeat(32)}` },
      { traceId: '0192d4e0-6f00-7a11-9b22-3c4d5e6f7a8c' },
      { seq: 1 },
      { leafHash: bytesToHex(hashMtl(sampleDecisionMtl({ seq: 1 }))) },
      { timestamp: '2025-03-14T09:26:53.602Z' },
    ]
    for (const change of changes) {
      const tampered = { ...signed, ...change }
      assert.equal(validateReceipt(tampered).valid, true)
      assert.equal(verifyReceipt({ receipt: tampered, publicKey }), false, JSON.stringify(change))
    }
    const otherKey = receiptPublicKey(`0x${'43'.repeat(32)}`)
    assert.equal(verifyReceipt({ receipt: signed, publicKey: otherKey }), false)
  })

  describe('errors', () => {
    test('verify never throws: malformed receipts and keys are not valid', () => {
      const signed = signReceipt({ receipt, privateKey: TEST_SEED })
      const receipts: unknown[] = [
        null,
        'receipt',
        [],
        { ...signed, signature: '0x00' },
        { ...signed, signature: signed.signature.toUpperCase().replace('0X', '0x') },
        { ...signed, extra: 1 },
        { ...signed, v: 'tml-receipt/1' },
      ]
      for (const value of receipts) {
        assert.equal(verifyReceipt({ receipt: value as SignedReceipt, publicKey }), false)
      }
      for (const key of ['0x', '0x1234', 'zz', 7, null]) {
        assert.equal(verifyReceipt({ receipt: signed, publicKey: key as Hex }), false)
      }
    })

    test('signReceipt refuses a malformed receipt, listing every issue', () => {
      assert.throws(
        () =>
          signReceipt({
            receipt: { ...receipt, seq: -1, traceId: 'nope' },
            privateKey: TEST_SEED,
          }),
        {
          name: 'InvalidReceiptError',
          message:
            'Invalid receipt.\n\nDetails: $.traceId: expected a lower-case RFC 9562 UUID, got "nope"; $.seq: expected a non-negative safe integer, got -1',
        },
      )
    })

    test('signReceipt refuses a receipt that already has a signature', () => {
      const signed = signReceipt({ receipt, privateKey: TEST_SEED })
      assert.throws(
        () => signReceipt({ receipt: signed, privateKey: TEST_SEED }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidReceiptError)
          assert.deepEqual(error.issues, [
            { path: '$.signature', message: 'a receipt to sign must not have a signature' },
          ])
          return true
        },
      )
    })
  })
})

describe('validateReceipt', () => {
  const signed = signReceipt({ receipt, privateKey: TEST_SEED })

  test('default: a signed receipt is valid and returned as is', () => {
    const result = validateReceipt(signed)
    assert.equal(result.valid, true)
    assert.equal(result.valid && result.receipt, signed)
  })

  test('behavior: leap-day and second-precision timestamps are valid', () => {
    assert.equal(validateReceipt({ ...signed, timestamp: '2024-02-29T00:00:00Z' }).valid, true)
  })

  describe('errors', () => {
    const hex32 = '0x and 64 lower-case hex digits (32 bytes)'
    const ts = 'an RFC 3339 UTC timestamp on a day that exists, like 2025-01-31T23:59:59.123Z'
    const cases: { desc: string; value: unknown; issues: { path: string; message: string }[] }[] = [
      {
        desc: 'not an object',
        value: 5,
        issues: [{ path: '$', message: 'expected an object, got 5' }],
      },
      {
        desc: 'empty object',
        value: {},
        issues: ['v', 'logId', 'traceId', 'seq', 'leafHash', 'timestamp', 'signature'].map(
          (key) => ({
            path: `$.${key}`,
            message: 'missing',
          }),
        ),
      },
      {
        desc: 'wrong version',
        value: { ...signed, v: 'tml-receipt/1' },
        issues: [{ path: '$.v', message: 'expected "tml-receipt/2", got "tml-receipt/1"' }],
      },
      {
        desc: 'upper-case hex (one spelling only)',
        value: { ...signed, logId: signed.logId.toUpperCase().replace('0X', '0x') },
        issues: [
          {
            path: '$.logId',
            message: `expected ${hex32}, got "${signed.logId.toUpperCase().replace('0X', '0x')}"`,
          },
        ],
      },
      {
        desc: 'short leaf hash',
        value: { ...signed, leafHash: '0x1234' },
        issues: [{ path: '$.leafHash', message: `expected ${hex32}, got "0x1234"` }],
      },
      {
        desc: 'upper-case UUID',
        value: { ...signed, traceId: signed.traceId.toUpperCase() },
        issues: [
          {
            path: '$.traceId',
            message:
              'expected a lower-case RFC 9562 UUID, got "0192D4E0-6F00-7A11-9B22-3C4D5E6F7A8B"',
          },
        ],
      },
      {
        desc: 'seq as a string',
        value: { ...signed, seq: '0' },
        issues: [{ path: '$.seq', message: 'expected a non-negative safe integer, got "0"' }],
      },
      {
        desc: 'seq above 2^53 - 1',
        value: { ...signed, seq: 2 ** 53 },
        issues: [
          { path: '$.seq', message: 'expected a non-negative safe integer, got 9007199254740992' },
        ],
      },
      {
        desc: 'timestamp with an offset',
        value: { ...signed, timestamp: '2025-03-14T10:26:53+01:00' },
        issues: [
          { path: '$.timestamp', message: `expected ${ts}, got "2025-03-14T10:26:53+01:00"` },
        ],
      },
      {
        desc: 'timestamp on February 30',
        value: { ...signed, timestamp: '2025-02-30T00:00:00Z' },
        issues: [{ path: '$.timestamp', message: `expected ${ts}, got "2025-02-30T00:00:00Z"` }],
      },
      {
        desc: 'February 29 of a year that is not a leap year',
        value: { ...signed, timestamp: '2100-02-29T00:00:00Z' },
        issues: [{ path: '$.timestamp', message: `expected ${ts}, got "2100-02-29T00:00:00Z"` }],
      },
      {
        desc: 'signature of 63 bytes',
        value: { ...signed, signature: signed.signature.slice(0, -2) },
        issues: [
          {
            path: '$.signature',
            message: `expected 0x and 128 lower-case hex digits (64 bytes r ‖ s) with low s (s ≤ n/2), got ${JSON.stringify(`${signed.signature.slice(0, 80)}…`)}`,
          },
        ],
      },
      {
        desc: 'unknown field',
        value: { ...signed, leafIndex: 0 },
        issues: [{ path: '$.leafIndex', message: 'unknown field' }],
      },
    ]
    for (const { desc, value, issues } of cases) {
      test(desc, () => {
        assert.deepEqual(validateReceipt(value), { valid: false, issues })
      })
    }

    test('a hostile getter does not make it throw', () => {
      const hostile = Object.defineProperty({ ...signed }, 'seq', {
        enumerable: true,
        get() {
          throw new Error('boom')
        },
      })
      assert.deepEqual(validateReceipt(hostile), {
        valid: false,
        issues: [{ path: '$', message: 'cannot be read' }],
      })
    })
  })
})
