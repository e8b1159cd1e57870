import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Mtl as CoreMtl, Hex } from '@tml/core'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { Pseudonymizer } from '../../src/memory/Pseudonymizer.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { replayRecord } from '../../src/replay/replayRecord.ts'
import { createGateway, type Gateway } from '../../src/service/createGateway.ts'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { decodeEnvelope } from '../../src/vault/envelope.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { openEvidence, openPersonal } from '../../src/vault/openEvidence.ts'
import { recoverEpochKey, releaseShare } from '../../src/vault/releaseShare.ts'
import { SqliteVaultStore } from '../../src/vault/SqliteVaultStore.ts'
import { subjectVaultKey } from '../../src/vault/subjectVaultKey.ts'
import { VaultError } from '../../src/vault/VaultError.ts'
import { policyDirWith, reviewPolicy } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const sha256 = (data: Uint8Array | string) => `0x${createHash('sha256').update(data).digest('hex')}`
type Mtl = Record<string, unknown> & {
  seq: number
  input_hash: Hex
  evidence_seal?: Hex
  log_id: Hex
}

describe('sealed evidence vault in the gateway (commit worker, SQLite)', () => {
  const dir = tempDir('tml-vault-')
  let gateway: Gateway
  let vault: SqliteVaultStore
  let custodians: { publicKey: Hex; privateKey: Hex }[]
  let auditor: { publicKey: Hex; privateKey: Hex }

  before(async () => {
    custodians = await Promise.all([1, 2, 3].map(() => generateVaultKeyPair()))
    auditor = await generateVaultKeyPair()
    const policyDir = policyDirWith(dir, { 'review.yaml': reviewPolicy({ hook: 'precedent' }) })
    const keys = loadKeys({
      dir: join(dir, 'keys'),
      env: { TML_API_KEYS: 'tester:test-token-0123456789abcdef' },
      create: true,
    })
    gateway = await createGateway({
      keys,
      policies: loadPolicies({ paths: [policyDir] }),
      dataDir: dir,
      vault: {
        set: parseCustodians(
          custodians.map((c, i) => `c${i}=${c.publicKey}`),
          2,
        ),
      },
      hooks: { precedent: async () => ({ decision: 1, rationale: 'matches precedent 12' }) },
    })
    vault = SqliteVaultStore.open({ path: join(dir, 'log.db') })
  })
  after(async () => {
    await vault?.close()
    await gateway?.close()
  })

  /** What an auditor does with two custodians' releases: the epoch key of `epoch`. */
  async function epochKey(logId: Hex, epoch: number): Promise<Uint8Array> {
    const wrapped = await vault.epochKey(epoch)
    assert.ok(wrapped, `epoch ${epoch} has wrapped shares`)
    const releases = await Promise.all(
      [0, 1].map((i) =>
        releaseShare({
          share: wrapped.shares[i] as (typeof wrapped.shares)[number],
          custodianKey: (custodians[i] as { privateKey: Hex }).privateKey,
          custodianIndex: i,
          auditorKey: auditor.publicKey,
          logId,
          epoch,
          grantId: 1n,
        }),
      ),
    )
    return recoverEpochKey({
      releases,
      auditorKey: auditor.privateKey,
      logId,
      epoch,
      grantId: 1n,
      threshold: wrapped.threshold,
    })
  }

  it('seals each decision and resolution; the MTL anchors the seal; k custodians open it; erasure shreds the personal fields only', async () => {
    const paused = await gateway.service.decide({
      input: {
        profile: 'review',
        input: { name: 'Ada Lovelace', text: 'dose?' },
        output: { text: 'take two' },
        context: { email: 'ada@example.org' },
        signals: { confidence: 0.5, harm: 0.01 },
        subject: 'patient-42',
      },
      caller: 'tester',
    })
    assert.equal(paused.state, 0)
    const resolution = await gateway.pauses.wait(paused.trace_id, 5000)
    assert.ok(resolution, 'the hook resolved the pause')
    const anonymous = await gateway.service.decide({
      input: {
        profile: 'general',
        input: { text: 'hello' },
        signals: { confidence: 0.99, harm: 0.01 },
      },
      caller: 'tester',
    })
    assert.equal(anonymous.state, 1)

    const entries = await gateway.store.entries(0, 10)
    assert.equal(entries.length, 3)
    const [decision, resolved, plain] = entries.map((e) => ({
      entry: e,
      mtl: JSON.parse(e.mtl) as Mtl,
    }))
    for (const { entry, mtl } of [decision, resolved, plain].map(
      (x) => x as NonNullable<typeof x>,
    )) {
      assert.match(
        mtl.evidence_seal ?? '',
        /^0x[0-9a-f]{64}$/,
        `seq ${mtl.seq} carries evidence_seal`,
      )
      const sealed = await vault.sealedBySeq(mtl.seq)
      assert.ok(sealed, `seq ${mtl.seq} has its sealed record`)
      assert.equal(
        sha256(sealed.envelope),
        mtl.evidence_seal,
        'the vault entry is the anchored one',
      )
      assert.equal(sealed.traceId, entry.traceId)
    }
    const d = decision as NonNullable<typeof decision>
    const sealed = await vault.sealedBySeq(0)
    assert.ok(sealed)
    const key = await epochKey(d.mtl.log_id, sealed.epoch)
    const { record } = openEvidence({
      envelope: sealed.envelope,
      key,
      logId: d.mtl.log_id,
      seq: 0,
      seal: d.mtl.evidence_seal as Hex,
    })
    assert.equal(
      sha256(record.evidence ?? ''),
      d.mtl.input_hash,
      'the sealed evidence is what input_hash covers',
    )
    assert.match(record.output ?? '', /take two/)
    assert.equal(record.scores?.confidence, 0.5)
    assert.doesNotMatch(JSON.stringify(record), /Ada Lovelace|ada@example\.org|patient-42/)
    const lookup = new Pseudonymizer({
      indexKey: gateway.keys.subjectIndexKey,
      store: gateway.store,
    }).lookupOf('patient-42')
    const secret = await gateway.store.subjectSecret(lookup)
    assert.ok(secret)
    assert.deepEqual(
      openPersonal({ record, subjectKey: subjectVaultKey(secret), logId: d.mtl.log_id, seq: 0 }),
      {
        subject: 'patient-42',
        fields: { 'input.name': 'Ada Lovelace', 'context.email': 'ada@example.org' },
      },
    )

    const r = resolved as NonNullable<typeof resolved>
    const sealedResolution = await vault.sealedBySeq(r.mtl.seq)
    assert.ok(sealedResolution)
    const opened = openEvidence({
      envelope: sealedResolution.envelope,
      key: await epochKey(r.mtl.log_id, sealedResolution.epoch),
      logId: r.mtl.log_id,
      seq: r.mtl.seq,
    })
    assert.equal(opened.record.rationale, 'matches precedent 12')
    assert.equal(
      sha256(opened.record.rationale ?? ''),
      (r.mtl.resolution as { rationale_hash: Hex }).rationale_hash,
    )
    const p = plain as NonNullable<typeof plain>
    const sealedPlain = await vault.sealedBySeq(p.mtl.seq)
    assert.ok(sealedPlain)
    const plainRecord = openEvidence({
      envelope: sealedPlain.envelope,
      key: await epochKey(p.mtl.log_id, sealedPlain.epoch),
      logId: p.mtl.log_id,
      seq: p.mtl.seq,
    }).record
    assert.equal(
      plainRecord.personal,
      null,
      'no raw personal values without a subject to erase them by',
    )

    // The stored epoch key is only shares wrapped to the custodians, never the key itself.
    const wrapped = await vault.epochKey(sealed.epoch)
    assert.doesNotMatch(JSON.stringify(wrapped), new RegExp(Buffer.from(key).toString('hex')))

    // Erasure: the subject's secret is destroyed; the record still opens and the log verifies,
    // but the personal layer cannot be opened any more (no key derives from a destroyed secret).
    const erased = await gateway.service.erase({ subjectId: 'patient-42', caller: 'tester' })
    assert.ok(erased)
    assert.equal(await gateway.store.subjectSecret(lookup), undefined)
    const again = openEvidence({
      envelope: sealed.envelope,
      key,
      logId: d.mtl.log_id,
      seq: 0,
      seal: d.mtl.evidence_seal as Hex,
    })
    assert.throws(
      () =>
        openPersonal({
          record: again.record,
          subjectKey: subjectVaultKey(new Uint8Array(32)),
          logId: d.mtl.log_id,
          seq: 0,
        }),
      (e) => e instanceof VaultError && e.code === 'TML_VAULT_SUBJECT',
    )
    const stored = await gateway.store.entryBySeq(0)
    assert.ok(stored)
    assert.equal(
      sha256(Buffer.concat([Buffer.from([0]), Buffer.from(stored.mtl, 'utf8')])),
      stored.leafHash,
      'the leaf still verifies',
    )
    const erasureMtl = JSON.parse((await gateway.store.entryBySeq(3))?.mtl ?? '{}') as Mtl
    assert.equal(erasureMtl.kind, 'erasure')
    assert.equal(erasureMtl.evidence_seal, undefined, 'an erasure seals nothing')
  })

  it('concurrent decisions share envelopes; each record opens under its own seq and trace, and only there', async () => {
    const before = await gateway.store.size()
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        gateway.service.decide({
          input: {
            profile: 'general',
            input: { text: `question ${i}` },
            signals: { confidence: 0.99, harm: 0.01 },
          },
          caller: 'tester',
        }),
      ),
    )
    assert.equal(answers.length, 60)
    const entries = await gateway.store.entries(before, 60)
    const seals = new Set<string>()
    const keys = new Map<number, Uint8Array>()
    for (const entry of entries) {
      const mtl = JSON.parse(entry.mtl) as Mtl
      const sealed = await vault.sealedByTraceId(entry.traceId)
      assert.ok(sealed, `seq ${mtl.seq} has its envelope`)
      assert.equal(sha256(sealed.envelope), mtl.evidence_seal)
      seals.add(mtl.evidence_seal as string)
      if (!keys.has(sealed.epoch)) keys.set(sealed.epoch, await epochKey(mtl.log_id, sealed.epoch))
      const key = keys.get(sealed.epoch) as Uint8Array
      const { record } = openEvidence({
        envelope: sealed.envelope,
        key,
        logId: mtl.log_id,
        seq: mtl.seq,
        seal: mtl.evidence_seal as Hex,
        traceId: entry.traceId,
      })
      assert.equal(sha256(record.evidence ?? ''), mtl.input_hash, `seq ${mtl.seq}'s own evidence`)
      // Under another seq of the same envelope the record found is that seq's, never this one.
      const range = decodeEnvelope(sealed.envelope)
      assert.equal(range.version, 2)
      if (range.version === 2 && range.lastSeq > range.firstSeq) {
        const other = mtl.seq === range.firstSeq ? range.lastSeq : range.firstSeq
        assert.throws(
          () =>
            openEvidence({
              envelope: sealed.envelope,
              key,
              logId: mtl.log_id,
              seq: other,
              traceId: entry.traceId,
            }),
          (e) => e instanceof VaultError && e.code === 'TML_VAULT_SEAL',
        )
      }
    }
    assert.ok(seals.size < entries.length, `${entries.length} records in ${seals.size} envelopes`)
  })

  it("an inline proxy's edge checks are sealed with the decision and replay identical", async () => {
    const finding = {
      step: { trigger: 'CONTEXTUAL' as const, check: 'upstream_failed', outcome: -1 as const },
      detail: 'the upstream model answered 502',
    }
    const answer = await gateway.service.decide({
      input: {
        profile: 'general',
        input: { text: 'hello' },
        signals: { confidence: 0.99, harm: 0.01 },
        findings: [finding],
      },
      caller: 'tester',
    })
    assert.equal(answer.state, -1, 'the finding lowered the state')
    const entry = await gateway.store.entryBySeq(answer.seq as number)
    assert.ok(entry)
    const mtl = JSON.parse(entry.mtl) as Mtl
    const sealed = await vault.sealedBySeq(mtl.seq)
    assert.ok(sealed)
    const { record } = openEvidence({
      envelope: sealed.envelope,
      key: await epochKey(mtl.log_id, sealed.epoch),
      logId: mtl.log_id,
      seq: mtl.seq,
      seal: mtl.evidence_seal as Hex,
    })
    assert.deepEqual(record.findings, [finding])
    const policy = gateway.policies.get('general')?.policy
    assert.ok(policy)
    const replay = replayRecord({ mtl: mtl as unknown as CoreMtl, record, policy })
    assert.deepEqual(replay.differences, [])
  })
})
