import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  canonicalize,
  hashMtl,
  MTL_VERSION,
  receiptKeyCommitment,
  receiptPublicKey,
  signReceipt,
  validateMtl,
  verifyReceipt,
} from '@tml/core'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { buildDecisionDraft } from '../../src/memory/buildMtl.ts'
import type { PlacedRecord } from '../../src/memory/Committer.ts'
import { ANONYMOUS_SUBJECT, pseudonymOf } from '../../src/memory/pseudonymOf.ts'
import { sealRecord } from '../../src/memory/sealRecord.ts'
import { LOG_ID, SEED, signer } from '../helpers/memory.ts'

const EVIDENCE = '{"context":{},"input":{"text":"hello"},"signals":{"confidence":0.99}}'
const SECRET = 'a1'.repeat(32)
const sha256 = (text: string) => `0x${createHash('sha256').update(text).digest('hex')}`

function placed(over: Partial<PlacedRecord> = {}, state: 1 | 0 | -1 = 1): PlacedRecord {
  const draft = buildDecisionDraft({
    decision: {
      state,
      trigger_type: state === 1 ? 'NONE' : 'HARM',
      trigger_detail: state === 1 ? 'no trigger fired' : 'harm 0.5 in ambiguous band [0.4, 0.9]',
      metrics: { confidence: 0.99, harm: state === 1 ? 0.01 : 0.5 },
      causal_graph: [],
    },
    traceId: '01941f29-7c00-7abc-8def-0123456789ab',
    timestamp: '2025-01-01T00:00:00.000Z',
    policyHash: `0x${'11'.repeat(32)}`,
    model: { id: 'test-model', version_hash: `0x${'22'.repeat(32)}` },
  })
  return {
    mtl: { v: MTL_VERSION, log_id: LOG_ID, seq: 7, ...draft },
    evidence: { input: EVIDENCE, output: '{"text":"hi"}', pseudonym: null, secret: SECRET },
    receiptTimestamp: '2025-01-01T00:00:00.001Z',
    profile: 'general',
    pauseDeadlineMs: null,
    ...over,
  }
}

describe('sealRecord', () => {
  test('default: derives the evidence fields, and the stored MTL is valid mtl/1 under its leaf hash and receipt', () => {
    const { entry, sealed } = sealRecord({ record: placed(), signer })
    const mtl = JSON.parse(entry.mtl)
    const check = validateMtl(mtl)
    assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
    assert.equal(entry.mtl, canonicalize(mtl), 'the stored text is the RFC 8785 form')
    assert.equal(mtl.input_hash, sha256(EVIDENCE))
    assert.equal(mtl.output_hash, sha256('{"text":"hi"}'))
    assert.equal(
      mtl.subject,
      pseudonymOf(Buffer.from(SECRET, 'hex'), ANONYMOUS_SUBJECT),
      'an anonymous subject is pseudonymized under its one-off secret',
    )
    assert.equal(entry.leafHash, bytesToHex(hashMtl(check.mtl)))
    assert.deepEqual(sealed, {
      leafHash: entry.leafHash,
      signature: entry.receipt.signature,
      derived: { input_hash: mtl.input_hash, output_hash: mtl.output_hash, subject: mtl.subject },
    })
    assert.deepEqual(entry.receipt, {
      v: 'tml-receipt/2',
      logId: LOG_ID,
      traceId: mtl.trace_id,
      seq: 7,
      leafHash: entry.leafHash,
      timestamp: '2025-01-01T00:00:00.001Z',
      signature: entry.receipt.signature,
    })
    assert.ok(verifyReceipt({ receipt: entry.receipt, publicKey: signer.publicKey }))
    assert.deepEqual(
      { seq: entry.seq, traceId: entry.traceId, kind: entry.kind, state: entry.state },
      { seq: 7, traceId: mtl.trace_id, kind: 'decision', state: 1 },
    )
  })

  test('behavior: a known subject keeps its pseudonym; no output gives output_hash null', () => {
    const pseudonym = `psn:${'ab'.repeat(32)}` as const
    const record = placed({
      evidence: { input: EVIDENCE, output: null, pseudonym, secret: null },
    })
    const mtl = JSON.parse(sealRecord({ record, signer }).entry.mtl)
    assert.equal(mtl.subject, pseudonym)
    assert.equal(mtl.output_hash, null)
  })

  test('behavior: a whole MTL (no evidence) is sealed as it is', () => {
    const { evidence: _, ...rest } = placed()
    const mtl = {
      ...rest.mtl,
      input_hash: `0x${'33'.repeat(32)}`,
      output_hash: null,
      subject: `psn:${'44'.repeat(32)}`,
    }
    const { entry, sealed } = sealRecord({ record: { ...rest, mtl }, signer })
    assert.equal(entry.mtl, canonicalize(mtl))
    assert.equal(sealed.derived, undefined)
  })

  describe('errors', () => {
    test('evidence with neither pseudonym nor a 32-byte secret is refused, not hashed under a weak key', () => {
      for (const secret of [null, '', 'ab'.repeat(16), 'zz'.repeat(32)]) {
        const record = placed({
          evidence: { input: EVIDENCE, output: null, pseudonym: null, secret },
        })
        assert.throws(() => sealRecord({ record, signer }), RangeError)
      }
    })
  })
})

describe('createReceiptSigner', () => {
  const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
  test("behavior: OpenSSL signs the bytes of core's signReceipt with low s, and core verifies them", () => {
    const s = createReceiptSigner(SEED)
    assert.equal(s.publicKey, receiptPublicKey(SEED))
    assert.equal(s.keyCommitment, receiptKeyCommitment(s.publicKey))
    for (let seq = 0; seq < 40; seq++) {
      const receipt = {
        v: 'tml-receipt/2' as const,
        logId: LOG_ID,
        traceId: '01941f29-7c00-7abc-8def-0123456789ab',
        seq,
        leafHash: bytesToHex(new Uint8Array(32).fill(seq)),
        timestamp: '2025-01-01T00:00:00.001Z',
      }
      const signed = s.sign(receipt)
      // ECDSA nonces are random in OpenSSL: other bytes than core's RFC 6979 signature, same verdict.
      assert.ok(verifyReceipt({ receipt: signed, publicKey: s.publicKey }))
      assert.ok(
        verifyReceipt({
          receipt: signReceipt({ receipt, privateKey: SEED }),
          publicKey: s.publicKey,
        }),
      )
      assert.ok(BigInt(`0x${signed.signature.slice(66)}`) <= N >> 1n, `low s at ${seq}`)
      assert.equal(
        verifyReceipt({ receipt: { ...signed, seq: seq + 1 }, publicKey: s.publicKey }),
        false,
      )
    }
  })

  test('errors: a key that is not a P-256 scalar in [1, n - 1] is refused', () => {
    assert.throws(() => createReceiptSigner(new Uint8Array(31)), RangeError)
    assert.throws(() => createReceiptSigner(new Uint8Array(32)), RangeError)
    assert.throws(() => createReceiptSigner(new Uint8Array(32).fill(0xff)), RangeError)
  })
})
