import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { Hex } from '@tml/core'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { EpochKeyRing } from '../../src/vault/EpochKeyRing.ts'
import { decodeEnvelope, encodeEnvelope } from '../../src/vault/envelope.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { openEvidence, openPersonal } from '../../src/vault/openEvidence.ts'
import { personalValues } from '../../src/vault/personalValues.ts'
import { recoverEpochKey, releaseShare } from '../../src/vault/releaseShare.ts'
import { sealEvidenceBatch, vaultRecordText } from '../../src/vault/sealEvidence.ts'
import { subjectVaultKey } from '../../src/vault/subjectVaultKey.ts'
import { VaultError } from '../../src/vault/VaultError.ts'
import type { VaultPayload } from '../../src/vault/VaultPayload.ts'
import type { StoredEpochKey } from '../../src/vault/VaultStore.ts'
import { vaultAad } from '../../src/vault/vaultAad.ts'
import { wrapEpochKey } from '../../src/vault/wrapEpochKey.ts'

const logId = `0x${'ab'.repeat(32)}` as Hex
const otherLog = `0x${'cd'.repeat(32)}` as Hex
const key = new Uint8Array(randomBytes(32))
const secret = new Uint8Array(randomBytes(32))
const evidence = '{"context":{},"input":{"name":"psn:00"},"signals":{"confidence":0.5}}'

const traceOf = (seq: number) => `0190aaaa-0000-7000-8000-${String(seq).padStart(12, '0')}`
const payload: VaultPayload = {
  output: '{"text":"draft"}',
  scores: { confidence: 0.5 },
  rationale: null,
  personal: JSON.stringify({ subject: 'patient-42', fields: { 'input.name': 'Ada' } }),
  subjectSecret: `0x${Buffer.from(secret).toString('hex')}`,
}

/** A batch of the records of `seqs` (7 alone by default), sealed as the commit worker does. */
function seal({ seqs = [7], epoch = 3 }: { seqs?: number[]; epoch?: number } = {}) {
  return sealEvidenceBatch({
    logId,
    epoch,
    key,
    records: seqs.map((seq) => ({
      seq,
      text: vaultRecordText({
        logId,
        seq,
        traceId: traceOf(seq),
        evidence,
        releasedOutput: null,
        payload,
      }),
    })),
  })
}

const code = (c: string) => (e: unknown) => e instanceof VaultError && e.code === c

describe('sealed evidence', () => {
  it('opens with its epoch key; the seal is SHA-256 of the envelope; input_hash still matches', () => {
    const { envelope, seal: s } = seal()
    assert.equal(s, `0x${createHash('sha256').update(envelope).digest('hex')}`)
    const { epoch, record } = openEvidence({ envelope, key, logId, seq: 7, seal: s })
    assert.equal(epoch, 3)
    assert.equal(record.evidence, evidence)
    assert.equal(record.trace_id, traceOf(7))
    assert.equal(record.output, '{"text":"draft"}')
    assert.deepEqual(record.scores, { confidence: 0.5 })
    assert.equal(record.personal?.includes('Ada'), false, 'personal values are not in the clear')
    const personal = openPersonal({ record, subjectKey: subjectVaultKey(secret), logId, seq: 7 })
    assert.deepEqual(personal, { subject: 'patient-42', fields: { 'input.name': 'Ada' } })
  })

  it('a batch seals its records in one envelope; each opens under its own seq and no other', () => {
    // 13 is not sealed (a record without vault payload in the same commit).
    const { envelope, seal: s, firstSeq, lastSeq } = seal({ seqs: [10, 11, 12, 14] })
    assert.deepEqual([firstSeq, lastSeq], [10, 14])
    for (const seq of [10, 11, 12, 14]) {
      const { record } = openEvidence({ envelope, key, logId, seq, seal: s, traceId: traceOf(seq) })
      assert.equal(record.trace_id, traceOf(seq))
      // Each record's personal layer is bound to its own seq.
      assert.deepEqual(
        openPersonal({ record, subjectKey: subjectVaultKey(secret), logId, seq }),
        JSON.parse(payload.personal as string),
      )
    }
    const open = (seq: number, traceId?: string) => () =>
      openEvidence({ envelope, key, logId, seq, seal: s, ...(traceId ? { traceId } : {}) })
    assert.throws(
      open(13),
      (e) => code('TML_VAULT_SEAL')(e) && /holds no record of seq 13/.test(String(e)),
    )
    assert.throws(open(9), (e) => code('TML_VAULT_SEAL')(e) && /cannot hold seq 9/.test(String(e)))
    assert.throws(open(15), code('TML_VAULT_SEAL'))
    assert.throws(
      open(11, traceOf(12)),
      (e) => code('TML_VAULT_SEAL')(e) && /names trace/.test(String(e)),
    )
    // A record's personal layer does not open as its neighbour's.
    const { record } = openEvidence({ envelope, key, logId, seq: 11 })
    assert.throws(
      () => openPersonal({ record, subjectKey: subjectVaultKey(secret), logId, seq: 12 }),
      code('TML_VAULT_SUBJECT'),
    )
  })

  it('refuses batches out of order or empty, naming why', () => {
    assert.throws(
      () => seal({ seqs: [] }),
      (e) => code('TML_VAULT_FORMAT')(e) && /at least one/.test(String(e)),
    )
    assert.throws(
      () => seal({ seqs: [4, 4] }),
      (e) => code('TML_VAULT_FORMAT')(e) && /ascend/.test(String(e)),
    )
    assert.throws(() => seal({ seqs: [5, 3] }), code('TML_VAULT_FORMAT'))
    assert.throws(() => seal({ epoch: 0 }), code('TML_VAULT_FORMAT'))
  })

  it('refuses another epoch key, another batch range or log, and altered bytes', () => {
    const { envelope, seal: s } = seal({ seqs: [7, 8] })
    const otherKey = new Uint8Array(randomBytes(32))
    assert.throws(
      () => openEvidence({ envelope, key: otherKey, logId, seq: 7 }),
      code('TML_VAULT_KEY'),
    )
    assert.throws(
      () => openEvidence({ envelope, key, logId: otherLog, seq: 7 }),
      code('TML_VAULT_KEY'),
    )
    // Epoch and range in the header are authenticated: relabelling the envelope does not open it.
    const read = decodeEnvelope(envelope)
    assert.equal(read.version, 2)
    if (read.version !== 2) return
    for (const relabel of [{ epoch: 4 }, { firstSeq: 6 }, { lastSeq: 9 }]) {
      const relabelled = encodeEnvelope({ ...read, ...relabel })
      assert.throws(
        () => openEvidence({ envelope: relabelled, key, logId, seq: 7 }),
        code('TML_VAULT_KEY'),
        JSON.stringify(relabel),
      )
    }
    const tampered = envelope.slice()
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] as number) ^ 1
    assert.throws(
      () => openEvidence({ envelope: tampered, key, logId, seq: 7, seal: s }),
      code('TML_VAULT_SEAL'),
    )
    assert.throws(
      () => openEvidence({ envelope: tampered, key, logId, seq: 7 }),
      code('TML_VAULT_KEY'),
    )
    assert.throws(() => decodeEnvelope(envelope.subarray(0, 20)), code('TML_VAULT_FORMAT'))
    assert.throws(() => decodeEnvelope(new Uint8Array(0)), code('TML_VAULT_FORMAT'))
    const otherVersion = envelope.slice()
    otherVersion[0] = 3
    assert.throws(() => decodeEnvelope(otherVersion), /version 3/)
  })

  it('still opens a tml-vault/1 envelope of one record, as gateways before batches sealed it', () => {
    const v1 = JSON.parse(
      readFileSync(new URL('./fixtures/vault-v1-envelope.json', import.meta.url), 'utf8'),
    ) as {
      logId: Hex
      seq: number
      epoch: number
      key: string
      subjectSecret: string
      envelope: string
      seal: Hex
    }
    const envelope = new Uint8Array(Buffer.from(v1.envelope, 'hex'))
    const oldKey = new Uint8Array(Buffer.from(v1.key, 'hex'))
    assert.equal(decodeEnvelope(envelope).version, 1)
    const { epoch, record } = openEvidence({
      envelope,
      key: oldKey,
      logId: v1.logId,
      seq: v1.seq,
      seal: v1.seal,
    })
    assert.equal(epoch, v1.epoch)
    assert.equal(record.output, '{"text":"draft"}')
    const subjectKey = subjectVaultKey(new Uint8Array(Buffer.from(v1.subjectSecret, 'hex')))
    assert.deepEqual(openPersonal({ record, subjectKey, logId: v1.logId, seq: v1.seq }), {
      subject: 'patient-42',
      fields: { 'input.name': 'Ada' },
    })
    // Its AAD binds its own seq: under another, it does not open.
    assert.throws(
      () => openEvidence({ envelope, key: oldKey, logId: v1.logId, seq: v1.seq + 1 }),
      code('TML_VAULT_KEY'),
    )
  })

  it('keeps the personal layer sealed without the subject key (erasure)', () => {
    const { envelope } = seal()
    const { record } = openEvidence({ envelope, key, logId, seq: 7 })
    const guessed = subjectVaultKey(new Uint8Array(randomBytes(32)))
    assert.throws(
      () => openPersonal({ record, subjectKey: guessed, logId, seq: 7 }),
      code('TML_VAULT_SUBJECT'),
    )
  })

  it('writes seqs and epoch as big-endian u64s beyond 32 bits, in the AAD and the envelope header', () => {
    const seq = 2 ** 40 + 5
    const epoch = 2 ** 33 + 1
    const aad = vaultAad({ layer: 'batch', logId, seq, lastSeq: seq + 2, epoch })
    const view = new DataView(aad.buffer)
    assert.equal(view.getBigUint64(aad.length - 24), BigInt(seq))
    assert.equal(view.getBigUint64(aad.length - 16), BigInt(seq + 2))
    assert.equal(view.getBigUint64(aad.length - 8), BigInt(epoch))
    const bytes = encodeEnvelope({
      version: 2,
      epoch,
      firstSeq: seq,
      lastSeq: seq + 2,
      nonce: new Uint8Array(24),
      ciphertext: new Uint8Array(16),
    })
    const read = decodeEnvelope(bytes)
    assert.deepEqual(read.version === 2 ? [read.epoch, read.firstSeq, read.lastSeq] : [], [
      epoch,
      seq,
      seq + 2,
    ])
    assert.throws(() => vaultAad({ layer: 'record', logId, seq: 1.5, epoch: 1 }), RangeError)
    assert.throws(() => vaultAad({ layer: 'batch', logId, seq: 1, epoch: 1 }), RangeError)
  })

  it('picks the raw values of PII paths', () => {
    assert.deepEqual(
      personalValues({
        value: { input: { name: 'Ada', age: 3 }, context: {} },
        fields: ['input.name', 'context.email'],
      }),
      { 'input.name': 'Ada' },
    )
  })
})

describe('epoch keys: k-of-n shares to custodians', () => {
  it('k released shares rebuild the key; k-1, a wrong auditor key or another grant do not', async () => {
    const custodians = await Promise.all([1, 2, 3].map(() => generateVaultKeyPair()))
    const auditor = await generateVaultKeyPair()
    const stranger = await generateVaultKeyPair()
    const set = parseCustodians(
      custodians.map((c, i) => `c${i}=${c.publicKey}`),
      2,
    )
    const wrapped = await wrapEpochKey({ key, epoch: 3, logId, set })
    assert.equal(wrapped.shares.length, 3)
    const releases = await Promise.all(
      [0, 2].map((i) =>
        releaseShare({
          share: wrapped.shares[i] as (typeof wrapped.shares)[number],
          custodianKey: (custodians[i] as { privateKey: Hex }).privateKey,
          custodianIndex: i,
          auditorKey: auditor.publicKey,
          logId,
          epoch: 3,
          grantId: 5n,
        }),
      ),
    )
    const rebuilt = await recoverEpochKey({
      releases,
      auditorKey: auditor.privateKey,
      logId,
      epoch: 3,
      grantId: 5n,
      threshold: 2,
    })
    assert.deepEqual(rebuilt, key)
    await assert.rejects(
      recoverEpochKey({
        releases: releases.slice(0, 1),
        auditorKey: auditor.privateKey,
        logId,
        epoch: 3,
        grantId: 5n,
        threshold: 2,
      }),
      code('TML_VAULT_SHARES'),
    )
    await assert.rejects(
      recoverEpochKey({
        releases,
        auditorKey: stranger.privateKey,
        logId,
        epoch: 3,
        grantId: 5n,
        threshold: 2,
      }),
      code('TML_VAULT_KEY'),
    )
    await assert.rejects(
      recoverEpochKey({
        releases,
        auditorKey: auditor.privateKey,
        logId,
        epoch: 3,
        grantId: 6n,
        threshold: 2,
      }),
      code('TML_VAULT_KEY'),
    )
    // A share is bound to its epoch: released as another epoch's, it does not open.
    await assert.rejects(
      releaseShare({
        share: wrapped.shares[0] as (typeof wrapped.shares)[number],
        custodianKey: (custodians[0] as { privateKey: Hex }).privateKey,
        custodianIndex: 0,
        auditorKey: auditor.publicKey,
        logId,
        epoch: 4,
        grantId: 5n,
      }),
      code('TML_VAULT_KEY'),
    )
  })

  it('refuses custodian configurations that cannot work, naming the value', () => {
    assert.throws(() => parseCustodians(['alice'], 1), /NAME=X25519_PUBLIC_KEY_HEX/)
    assert.throws(() => parseCustodians(['alice=0x1234'], 1), /32 bytes of hex/)
    const k = `0x${'11'.repeat(32)}`
    assert.throws(() => parseCustodians([`a=${k}`, `a=0x${'22'.repeat(32)}`]), /given twice/)
    assert.throws(() => parseCustodians([`a=${k}`], 2), /between 1 and 1/)
    assert.equal(
      parseCustodians([`a=${k}`, `b=0x${'22'.repeat(32)}`, `c=0x${'33'.repeat(32)}`]).threshold,
      2,
    )
  })

  it('rotates to a fresh key per epoch, stores it wrapped first and wipes the old one', async () => {
    const custodian = await generateVaultKeyPair()
    const stored: StoredEpochKey[] = []
    let now = 1_000_000
    const ring = new EpochKeyRing({
      logId,
      set: parseCustodians([`only=${custodian.publicKey}`], 1),
      periodMs: 60_000,
      store: {
        lastEpoch: async () => stored.at(-1)?.epoch ?? 0,
        putEpoch: async (k) => void stored.push(k),
      },
      clock: () => now,
    })
    await ring.start()
    const first = ring.current()
    assert.equal(first.epoch, 1)
    const firstKey = first.key.slice()
    assert.ok(
      stored.some((k) => k.epoch === 1),
      'the key is stored wrapped before it seals',
    )
    // Let the next epoch be prepared in the background, then let the period pass.
    while (stored.length < 2) await new Promise((r) => setImmediate(r))
    now += 60_000
    const second = ring.current()
    assert.equal(second.epoch, 2)
    assert.notDeepEqual(second.key, firstKey)
    assert.ok(
      first.key.every((b) => b === 0),
      "the closed epoch's key is overwritten",
    )
    // Only the custodian's share can bring epoch 1 back (threshold 1: the share is the key).
    const release = await releaseShare({
      share: (stored[0] as StoredEpochKey).shares[0] as StoredEpochKey['shares'][number],
      custodianKey: custodian.privateKey,
      custodianIndex: 0,
      auditorKey: custodian.publicKey,
      logId,
      epoch: 1,
      grantId: 1n,
    })
    const rebuilt = await recoverEpochKey({
      releases: [release],
      auditorKey: custodian.privateKey,
      logId,
      epoch: 1,
      grantId: 1n,
      threshold: 1,
    })
    assert.deepEqual(rebuilt, firstKey)
    ring.close()
    assert.ok(second.key.every((b) => b === 0))
  })
})
