import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { type Hex, MTL_VERSION } from '@tml/core'
import { buildDecisionDraft } from '../../src/memory/buildMtl.ts'
import type { PlacedRecord } from '../../src/memory/Committer.ts'
import { sealBatch, VAULT_ENVELOPE_TEXT_LIMIT } from '../../src/memory/sealBatch.ts'
import { sealRecord } from '../../src/memory/sealRecord.ts'
import { decodeEnvelope } from '../../src/vault/envelope.ts'
import { openEvidence } from '../../src/vault/openEvidence.ts'
import type { VaultPayload } from '../../src/vault/VaultPayload.ts'
import type { SealedBatch } from '../../src/vault/VaultStore.ts'
import { LOG_ID, signer } from '../helpers/memory.ts'

const KEY = new Uint8Array(randomBytes(32))
const SECRET = 'a1'.repeat(32)
const PAYLOAD: VaultPayload = {
  output: '{"text":"hi"}',
  scores: { confidence: 0.99 },
  rationale: null,
  personal: null,
  subjectSecret: null,
}

function placed(seq: number, vault: boolean, padding = 0): PlacedRecord {
  const draft = buildDecisionDraft({
    decision: {
      state: 1,
      trigger_type: 'NONE',
      trigger_detail: 'no trigger fired',
      metrics: { confidence: 0.99 },
      causal_graph: [],
    },
    traceId: `01941f29-7c00-7abc-8def-${String(seq).padStart(12, '0')}`,
    timestamp: '2025-01-01T00:00:00.000Z',
    policyHash: `0x${'11'.repeat(32)}`,
    model: { id: 'test-model', version_hash: `0x${'22'.repeat(32)}` },
  })
  return {
    mtl: { v: MTL_VERSION, log_id: LOG_ID, seq, ...draft },
    evidence: {
      input: `{"context":{},"input":{"n":${seq},"pad":"${'x'.repeat(padding)}"},"signals":{}}`,
      output: null,
      pseudonym: null,
      secret: SECRET,
    },
    ...(vault ? { vault: PAYLOAD } : {}),
    receiptTimestamp: '2025-01-01T00:00:00.001Z',
    profile: 'general',
    pauseDeadlineMs: null,
  }
}

/** A key ring that counts how often the committer asks it for the open key. */
function ring(epoch: number) {
  const calls = { n: 0 }
  return {
    calls,
    current: () => {
      calls.n += 1
      return { epoch, key: KEY }
    },
  }
}

describe('sealBatch', () => {
  test('with the vault on, a batch is one envelope under one epoch key; each sealed MTL names it and finds its record in it', () => {
    // 10 and 13 carry no vault payload (say, records the vault does not keep).
    const records = [10, 11, 12, 13, 14].map((seq) => placed(seq, seq !== 10 && seq !== 13))
    const keys = ring(4)
    const { entries, sealed, vaultBatches } = sealBatch({
      records,
      signerFor: () => signer,
      vault: keys,
    })
    assert.equal(keys.calls.n, 1, 'one epoch key for the whole batch')
    assert.equal(vaultBatches.length, 1)
    const vaultBatch = vaultBatches[0]
    assert.ok(vaultBatch)
    assert.deepEqual([vaultBatch.firstSeq, vaultBatch.lastSeq, vaultBatch.epoch], [11, 14, 4])
    const seal: Hex = `0x${createHash('sha256').update(vaultBatch.envelope).digest('hex')}`
    const read = decodeEnvelope(vaultBatch.envelope)
    assert.equal(read.version, 2)
    for (const [i, record] of records.entries()) {
      const mtl = JSON.parse((entries[i] as { mtl: string }).mtl)
      if (!record.vault) {
        assert.equal(mtl.evidence_seal, undefined, `seq ${record.mtl.seq} is not sealed`)
        assert.equal(sealed[i]?.evidenceSeal, undefined)
        continue
      }
      assert.equal(mtl.evidence_seal, seal)
      assert.equal(sealed[i]?.evidenceSeal, seal)
      const { record: opened } = openEvidence({
        envelope: vaultBatch.envelope,
        key: KEY,
        logId: LOG_ID,
        seq: record.mtl.seq,
        seal,
        traceId: record.mtl.trace_id,
      })
      assert.equal(opened.evidence, record.evidence?.input)
      assert.equal(opened.output, PAYLOAD.output)
    }
    // The records are sealed exactly as sealRecord seals them once the seal is known.
    const alone = sealRecord({
      record: records[1] as PlacedRecord,
      signer,
      evidenceSeal: seal,
    })
    assert.equal(alone.entry.mtl, entries[1]?.mtl)
    assert.equal(alone.entry.leafHash, entries[1]?.leafHash)
  })

  test('without the vault, or with no record to seal, there is no envelope and no MTL names one', () => {
    for (const p of [
      { records: [placed(0, true), placed(1, true)] },
      { records: [placed(0, false), placed(1, false)], vault: ring(1) },
    ]) {
      const keys = 'vault' in p ? p.vault : undefined
      const { entries, vaultBatches } = sealBatch({ ...p, signerFor: () => signer })
      assert.deepEqual(vaultBatches, [])
      for (const e of entries) assert.equal(JSON.parse(e.mtl).evidence_seal, undefined)
      if (keys)
        assert.equal(keys.calls.n, 0, 'no epoch key is asked for a batch without vault payloads')
    }
  })

  test('large records split a commit into envelopes of at most 64 KiB of text, one epoch key for all', () => {
    // Four records of about 30 KB, then one of 100 KB (more than a whole envelope), then a small one.
    const records = [
      ...[0, 1, 2, 3].map((seq) => placed(seq, true, 30_000)),
      placed(4, true, 100_000),
      placed(5, true),
    ]
    const keys = ring(2)
    const { entries, vaultBatches } = sealBatch({ records, signerFor: () => signer, vault: keys })
    assert.equal(keys.calls.n, 1, 'one epoch key for the whole commit')
    assert.deepEqual(
      vaultBatches.map((b) => [b.firstSeq, b.lastSeq, b.epoch]),
      [
        [0, 1, 2],
        [2, 3, 2],
        [4, 4, 2],
        [5, 5, 2],
      ],
    )
    for (const b of vaultBatches.slice(0, 2))
      assert.ok(b.envelope.length < VAULT_ENVELOPE_TEXT_LIMIT + 200, `${b.envelope.length} bytes`)
    for (const [i, record] of records.entries()) {
      const batch = vaultBatches.find((b) => b.firstSeq <= i && i <= b.lastSeq) as SealedBatch
      const seal: Hex = `0x${createHash('sha256').update(batch.envelope).digest('hex')}`
      assert.equal(JSON.parse(entries[i]?.mtl as string).evidence_seal, seal, `seq ${i}`)
      const opened = openEvidence({
        envelope: batch.envelope,
        key: KEY,
        logId: LOG_ID,
        seq: i,
        seal,
      })
      assert.equal(opened.record.evidence, record.evidence?.input)
    }
  })
})
