import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  bytesToUtf8,
  RECEIPT_VERSION,
  receiptSigningBytes,
  verifyP256,
  verifyReceipt,
} from '@tml/core'
import { receiptText } from '../../src/memory/receiptText.ts'
import { sealRecord } from '../../src/memory/sealRecord.ts'
import { LOG_ID, signer } from '../helpers/memory.ts'

const receipt = {
  v: RECEIPT_VERSION,
  logId: LOG_ID,
  traceId: '01941f29-7c00-7abc-8def-0123456789ab',
  seq: 12345,
  leafHash: `0x${'cd'.repeat(32)}` as const,
  timestamp: '2025-01-01T00:00:00.001Z',
}

describe('receiptText', () => {
  test('is exactly the RFC 8785 text core signs, for receipts of the usual form', () => {
    for (const seq of [0, 1, 12345, Number.MAX_SAFE_INTEGER]) {
      const r = { ...receipt, seq }
      assert.equal(receiptText(r), bytesToUtf8(receiptSigningBytes(r)))
    }
  })

  test('leaves values outside the plain form to the general serializer', () => {
    for (const odd of [
      { traceId: 'quote"inside' },
      { traceId: 'back\\slash' },
      { traceId: 'tab\there' },
      { traceId: 'é-non-ascii' },
      { traceId: '\ud800' },
      { seq: -1 },
      { seq: 1.5 },
      { seq: 2 ** 60 },
    ]) {
      assert.equal(receiptText({ ...receipt, ...odd }), undefined, JSON.stringify(odd))
    }
  })

  test('sealRecord signs the same bytes either way: the signature verifies over the general path', () => {
    for (const traceId of [receipt.traceId, 'trace-é-"odd"']) {
      const { entry } = sealRecord({
        record: {
          mtl: { v: 'mtl/1', log_id: LOG_ID, seq: 3, trace_id: traceId, kind: 'test', state: 1 },
          receiptTimestamp: receipt.timestamp,
          profile: null,
          pauseDeadlineMs: null,
        },
        signer,
      })
      const { signature, ...fields } = entry.receipt
      // P-256 nonces are random: the signature verifies over the general path's bytes.
      assert.ok(
        verifyP256({
          message: receiptSigningBytes(fields),
          signature,
          publicKey: signer.publicKey,
        }),
        traceId,
      )
      // verifyReceipt also checks the trace id's form, which only the usual one has.
      if (traceId === receipt.traceId)
        assert.ok(verifyReceipt({ receipt: entry.receipt, publicKey: signer.publicKey }))
    }
  })
})
