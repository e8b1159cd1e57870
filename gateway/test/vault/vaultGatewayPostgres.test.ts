import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Hex } from '@tml/core'
import pg from 'pg'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { Pseudonymizer } from '../../src/memory/Pseudonymizer.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { createGateway, type Gateway } from '../../src/service/createGateway.ts'
import { type CustodianSet, parseCustodians } from '../../src/vault/Custodian.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { openEvidence, openPersonal } from '../../src/vault/openEvidence.ts'
import { recoverEpochKey, releaseShare } from '../../src/vault/releaseShare.ts'
import { subjectVaultKey } from '../../src/vault/subjectVaultKey.ts'
import { VaultError } from '../../src/vault/VaultError.ts'
import { eventually } from '../e2e/anchoredGateway.ts'
import { auth, policyDirWith, reviewPolicy, serveTestGateway } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { POLICY_DIR } from '../helpers/policies.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'

const sha256 = (data: Uint8Array | string) => `0x${createHash('sha256').update(data).digest('hex')}`
type Mtl = Record<string, unknown> & {
  seq: number
  kind: string
  input_hash: Hex
  policy_hash?: Hex
  evidence_seal?: Hex
  log_id: Hex
}

// The gateway on a real PostgreSQL server with the sealed evidence vault and the policy archive
// in the same database: what `tml gateway start --store postgres://… --custodian …` runs.
describe('sealed evidence vault and policy archive on the PostgreSQL store', () => {
  const dir = tempDir('tml-vault-pg-')
  let cluster: PostgresCluster
  let url: string
  let custodians: { publicKey: Hex; privateKey: Hex }[]
  let auditor: { publicKey: Hex; privateKey: Hex }
  const gateways: Gateway[] = []

  before(async () => {
    cluster = await startPostgresCluster()
    url = await createDatabase(cluster.url, 'vault_gateway')
    custodians = await Promise.all([1, 2, 3].map(() => generateVaultKeyPair()))
    auditor = await generateVaultKeyPair()
  })
  after(async () => {
    for (const g of gateways) await g.close().catch(() => {})
    await cluster?.stop()
  })

  async function start(policies: Record<string, string> = {}): Promise<Gateway> {
    const policyDir = policyDirWith(dir, {
      'review.yaml': reviewPolicy({ hook: 'precedent' }),
      ...policies,
    })
    const gateway = await createGateway({
      keys: loadKeys({ dir: join(dir, 'keys'), env: {}, create: true }),
      policies: loadPolicies({ paths: [policyDir] }),
      postgresUrl: url,
      vault: {
        set: parseCustodians(
          custodians.map((c, i) => `c${i}=${c.publicKey}`),
          2,
        ),
      },
      hooks: { precedent: async () => ({ decision: 1, rationale: 'matches precedent 12' }) },
    })
    gateways.push(gateway)
    return gateway
  }

  /** What an auditor does with two custodians' releases: the epoch key of `epoch`. */
  async function epochKey(gateway: Gateway, logId: Hex, epoch: number): Promise<Uint8Array> {
    const wrapped = await gateway.vault?.epochKey(epoch)
    assert.ok(wrapped, `epoch ${epoch} has wrapped shares`)
    const releases = await Promise.all(
      [0, 2].map((i) =>
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

  async function mtls(gateway: Gateway): Promise<Mtl[]> {
    const size = await gateway.store.size()
    return (await gateway.store.entries(0, size)).map((e) => JSON.parse(e.mtl) as Mtl)
  }

  it('seals decisions and resolutions with their MTLs; k custodians open them; erasure shreds the personal layer', async () => {
    const gateway = await start()
    assert.ok(gateway.vault, 'the vault is on')
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
    assert.ok(await gateway.pauses.wait(paused.trace_id, 5000), 'the hook resolved the pause')
    const plain = await gateway.service.decide({
      input: {
        profile: 'general',
        input: { text: 'hello' },
        signals: { confidence: 0.99, harm: 0.01 },
      },
      caller: 'tester',
    })
    assert.equal(plain.state, 1)

    const all = await mtls(gateway)
    assert.equal(all.length, 3)
    for (const mtl of all) {
      assert.match(mtl.evidence_seal ?? '', /^0x[0-9a-f]{64}$/, `seq ${mtl.seq} is sealed`)
      const sealed = await gateway.vault.sealedBySeq(mtl.seq)
      assert.ok(sealed, `seq ${mtl.seq} has its sealed record in PostgreSQL`)
      assert.equal(
        sha256(sealed.envelope),
        mtl.evidence_seal,
        'the vault entry is the anchored one',
      )
    }
    const [decision, resolution] = all as [Mtl, Mtl, Mtl]
    const sealed = await gateway.vault.sealedBySeq(0)
    assert.ok(sealed)
    const key = await epochKey(gateway, decision.log_id, sealed.epoch)
    const { record } = openEvidence({
      envelope: sealed.envelope,
      key,
      logId: decision.log_id,
      seq: 0,
      seal: decision.evidence_seal as Hex,
    })
    assert.equal(sha256(record.evidence ?? ''), decision.input_hash)
    assert.match(record.output ?? '', /take two/)
    assert.doesNotMatch(JSON.stringify(record), /Ada Lovelace|ada@example\.org|patient-42/)
    const sealedResolution = await gateway.vault.sealedBySeq(resolution.seq)
    assert.ok(sealedResolution)
    assert.equal(
      openEvidence({
        envelope: sealedResolution.envelope,
        key: await epochKey(gateway, resolution.log_id, sealedResolution.epoch),
        logId: resolution.log_id,
        seq: resolution.seq,
      }).record.rationale,
      'matches precedent 12',
    )
    const lookup = new Pseudonymizer({
      indexKey: gateway.keys.subjectIndexKey,
      store: gateway.store,
    }).lookupOf('patient-42')
    const secret = await gateway.store.subjectSecret(lookup)
    assert.ok(secret)
    assert.deepEqual(
      openPersonal({ record, subjectKey: subjectVaultKey(secret), logId: decision.log_id, seq: 0 }),
      {
        subject: 'patient-42',
        fields: { 'input.name': 'Ada Lovelace', 'context.email': 'ada@example.org' },
      },
    )

    assert.ok(await gateway.service.erase({ subjectId: 'patient-42', caller: 'tester' }))
    assert.equal(await gateway.store.subjectSecret(lookup), undefined)
    assert.throws(
      () =>
        openPersonal({
          record,
          subjectKey: subjectVaultKey(new Uint8Array(32)),
          logId: decision.log_id,
          seq: 0,
        }),
      (e) => e instanceof VaultError && e.code === 'TML_VAULT_SUBJECT',
    )
    await gateway.close()
    gateways.pop()
  })

  it('after a restart with a changed policy: a new epoch key, old records still open, and every policy hash of the log is served', async () => {
    // The operator tightens a threshold and restarts on the same database.
    const original = readFileSync(join(POLICY_DIR, 'general.yaml'), 'utf8')
    const tightened = original.replace(/confidence_min: [0-9.]+/, 'confidence_min: 0.95')
    assert.notEqual(tightened, original)
    const gateway = await start({ 'general.yaml': tightened })
    assert.ok(gateway.vault)
    const before = await mtls(gateway)
    const firstEpoch = (await gateway.vault.sealedBySeq(0))?.epoch as number
    const answer = await gateway.service.decide({
      input: {
        profile: 'general',
        input: { text: 'again' },
        signals: { confidence: 0.99, harm: 0.01 },
      },
      caller: 'tester',
    })
    const sealed = await gateway.vault.sealedByTraceId(answer.trace_id)
    assert.ok(sealed, 'the decision after the restart is sealed')
    assert.ok(sealed.epoch > firstEpoch, 'a restarted gateway opens a new epoch, never reuses one')
    const first = await gateway.vault.sealedBySeq(0)
    assert.ok(first)
    const opened = openEvidence({
      envelope: first.envelope,
      key: await epochKey(gateway, (before[0] as Mtl).log_id, first.epoch),
      logId: (before[0] as Mtl).log_id,
      seq: 0,
      seal: (before[0] as Mtl).evidence_seal as Hex,
    })
    assert.equal(sha256(opened.record.evidence ?? ''), (before[0] as Mtl).input_hash)

    // Every policy_hash any MTL carries (before and after the change) is served over HTTP,
    // as the exact text that hashes to it, without an API key.
    const served = await serveTestGateway(gateway, dir, { apiKeys: gateway.keys.apiKeys })
    const all = await mtls(gateway)
    const hashes = new Set(all.map((m) => m.policy_hash).filter((h): h is Hex => h !== undefined))
    assert.ok(hashes.size >= 3, `several policy versions in the log: ${hashes.size}`)
    for (const hash of hashes) {
      const r = await served.app.inject({ method: 'GET', url: `/v1/policies/${hash}` })
      assert.equal(r.statusCode, 200, hash)
      assert.equal(sha256(r.rawPayload), hash)
    }
    const listed = (
      await served.app.inject({ method: 'GET', url: '/v1/policies', headers: auth })
    ).json() as {
      policies: { hash: string }[]
    }
    for (const hash of hashes)
      assert.ok(
        listed.policies.some((p) => p.hash === hash),
        hash,
      )
    await served.app.close()
  })

  it('a custodian declaration changed while running wraps the next epochs to it (PostgreSQL committer)', async () => {
    const gateway = gateways.at(-1) ?? (await start())
    const committer = gateway.committer as { setCustodians?: (set: CustodianSet) => Promise<void> }
    assert.equal(typeof committer.setCustodians, 'function', 'the PostgreSQL committer applies it')
    const others = await Promise.all([1, 2].map(() => generateVaultKeyPair()))
    const set = parseCustodians(
      others.map((c, i) => `n${i}=${c.publicKey}`),
      2,
    )
    const before = (await gateway.vault?.lastEpoch()) ?? 0
    await committer.setCustodians?.(set)
    // The next key prepared for the old custodians is dropped and one for the new set stored.
    const wrapped = await eventually(
      async () => {
        const last = (await gateway.vault?.lastEpoch()) ?? 0
        return last > before ? gateway.vault?.epochKey(last) : undefined
      },
      10_000,
      'an epoch key wrapped to the new custodians',
    )
    assert.deepEqual(
      wrapped.shares.map((s) => s.publicKey),
      others.map((c) => c.publicKey),
    )
  })

  it('the database outside the gateway: the archive and the vault refuse to be rewritten', async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await assert.rejects(client.query("UPDATE policy_archive SET document = '{}'"), /append-only/)
      await assert.rejects(client.query('DELETE FROM vault_batches'), /write-once/)
      await assert.rejects(client.query('TRUNCATE vault_records'), /write-once/)
    } finally {
      await client.end()
    }
  })
})
