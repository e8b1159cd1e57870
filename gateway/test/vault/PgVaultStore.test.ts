import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { canonicalize } from '@tml/core'
import type pg from 'pg'
import { createPgPool } from '../../src/db/postgres/createPgPool.ts'
import type { StoredEntry } from '../../src/memory/LogStore.ts'
import { PgLogStore } from '../../src/memory/PgLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { EpochKeyRing } from '../../src/vault/EpochKeyRing.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { PgVaultStore } from '../../src/vault/PgVaultStore.ts'
import type { SealedBatch } from '../../src/vault/VaultStore.ts'
import { LOG_ID } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { entry } from '../memory/logStoreConformance.ts'
import { epochKey, sealedBatch, vaultStoreConformance } from './vaultStoreConformance.ts'

// One real PostgreSQL server for the file; a database of its own for each vault.
let cluster: PostgresCluster
const pools: pg.Pool[] = []
let databases = 0

before(async () => {
  cluster = await startPostgresCluster()
})
after(async () => {
  await Promise.all(pools.map((p) => p.end()))
  await cluster?.stop()
})

async function fresh(): Promise<{ pool: pg.Pool; log: PgLogStore; vault: PgVaultStore }> {
  databases += 1
  const pool = createPgPool({ url: await createDatabase(cluster.url, `vault_${databases}`) })
  pools.push(pool)
  const log = await PgLogStore.open({ pool, logId: LOG_ID })
  return { pool, log, vault: await PgVaultStore.open({ pool }) }
}

// The vault as PgVaultCommitter uses it: sealed records written on the client of the log's own
// append transaction.
vaultStoreConformance('PgVaultStore', async () => {
  const { pool, log, vault } = await fresh()
  return {
    vault,
    append: (entries, batch) =>
      log.append(
        { entries, subjectKeys: [], erasedLookups: [] },
        batch ? (client) => vault.writeSealed(client, [batch]) : undefined,
      ),
    size: () => log.size(),
    raw: (sql) => pool.query(sql),
    close: async () => {
      await vault.close()
      await log.close()
    },
  }
})

const sealCode = (e: unknown) => e instanceof StoreError && e.code === 'POSTGRES_TM005'

describe('PgVaultStore: what the database itself refuses', () => {
  test('errors: sealed envelopes and wrapped epoch keys are write-once (UPDATE, DELETE, TRUNCATE)', async () => {
    const { pool, log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    const a = sealedBatch([0])
    await log.append({ entries: a.entries, subjectKeys: [], erasedLookups: [] }, (c) =>
      vault.writeSealed(c, [a.batch]),
    )
    for (const sql of [
      'UPDATE vault_batches SET last_seq = 9',
      'DELETE FROM vault_batches',
      'TRUNCATE vault_batches',
      'TRUNCATE vault_records',
      "UPDATE vault_epochs SET shares = '[]'",
      'DELETE FROM vault_epochs',
      'TRUNCATE vault_epochs CASCADE',
    ])
      await assert.rejects(pool.query(sql), /write-once/, sql)
    assert.deepEqual(await vault.sealedBySeq(0), a.sealed(0))
    assert.deepEqual(await vault.epochKey(1), epochKey(1))
  })

  test('errors: an MTL that carries evidence_seal cannot commit without its sealed envelope', async () => {
    const { log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    // The attack: a client appends the MTLs and "forgets" the envelope (or loses it in a crash
    // between two transactions), so the anchored seal names evidence nobody holds.
    const a = sealedBatch([0, 1])
    await assert.rejects(
      log.append({ entries: a.entries, subjectKeys: [], erasedLookups: [] }),
      (e: unknown) => sealCode(e) && /names a sealed record/.test((e as Error).message),
    )
    assert.equal(await log.size(), 0)
  })

  test('errors: an envelope that is not the one its MTLs name is refused with them', async () => {
    const { log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    const a = sealedBatch([0, 1, 2])
    const other = sealedBatch([0, 1, 2])
    const append = (entries: StoredEntry[], batch: SealedBatch) =>
      log.append({ entries, subjectKeys: [], erasedLookups: [] }, (c) =>
        vault.writeSealed(c, [batch]),
      )
    // Another envelope (same seqs and epoch) under the MTLs' seal: the hashes differ.
    await assert.rejects(
      append(a.entries, other.batch),
      (e: unknown) => sealCode(e) && /not the one its MTLs name/.test((e as Error).message),
    )
    // An envelope whose first and last MTLs do not name it, its MTLs sealed by none: refused.
    const unsealed = [0, 1, 2].map((seq) => entry(seq))
    await assert.rejects(
      append(unsealed, a.batch),
      (e: unknown) => sealCode(e) && /not the one its MTLs name/.test((e as Error).message),
    )
    // The right envelope, but the middle MTL names another: it lies in no batch of its seal.
    const middle = other.entries[1] as StoredEntry
    await assert.rejects(
      append([a.entries[0], middle, a.entries[2]] as StoredEntry[], a.batch),
      (e: unknown) => sealCode(e) && /seq 1 names a sealed record/.test((e as Error).message),
    )
    // The right envelope, claimed for a range that leaves out the last MTL.
    await assert.rejects(append(a.entries, { ...a.batch, lastSeq: 1 }), sealCode)
    assert.equal(await log.size(), 0)
    assert.equal(await vault.sealedBySeq(0), undefined)
  })

  test('errors: envelopes whose ranges overlap are refused, even when each is named by its own MTLs', async () => {
    const { log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    // Outer names 0 and 3; inner, inside its range, names 1 and 2. Each MTL lies in an envelope
    // of its own seal and each envelope's first and last MTLs name it: only the overlap is wrong
    // (a reader of seq 3 would find the inner one, the last to start before it, which ends at 2).
    const outer = sealedBatch([0, 1, 2, 3], { unsealed: [1, 2] })
    const inner = sealedBatch([1, 2])
    const entries = [outer.entries[0], ...inner.entries, outer.entries[3]] as StoredEntry[]
    await assert.rejects(
      log.append({ entries, subjectKeys: [], erasedLookups: [] }, async (c) => {
        await vault.writeSealed(c, [outer.batch])
        await vault.writeSealed(c, [inner.batch])
      }),
      (e: unknown) => sealCode(e) && /overlaps another/.test((e as Error).message),
    )
    assert.equal(await log.size(), 0)
  })

  test('errors: a batch sealed under an epoch whose wrapped key is not stored is refused', async () => {
    const { log, vault } = await fresh()
    const a = sealedBatch([0], { epoch: 7 })
    await assert.rejects(
      log.append({ entries: a.entries, subjectKeys: [], erasedLookups: [] }, (c) =>
        vault.writeSealed(c, [a.batch]),
      ),
      (e: unknown) => e instanceof StoreError && e.code === 'POSTGRES_23503',
    )
    assert.equal(await log.size(), 0)
  })

  test('behavior: a one-record envelope of tml-vault/1 (before batches) still reads back', async () => {
    const { log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    const envelope = Buffer.from(randomBytes(60))
    const seal = `0x${createHash('sha256').update(envelope).digest('hex')}`
    const old = { ...entry(0), mtl: canonicalize({ evidence_seal: seal, seq: 0 }) }
    await log.append({ entries: [old], subjectKeys: [], erasedLookups: [] }, async (c) => {
      await c.query(
        'INSERT INTO vault_records (seq, trace_id, epoch, envelope) VALUES ($1, $2, $3, $4)',
        [0, old.traceId, 1, envelope],
      )
    })
    const expected = { seq: 0, traceId: old.traceId, epoch: 1, envelope: new Uint8Array(envelope) }
    assert.deepEqual(await vault.sealedBySeq(0), expected)
    assert.deepEqual(await vault.sealedByTraceId(old.traceId), expected)
  })

  test('behavior: two gateways opening epochs on one database at once get different numbers', async () => {
    const { pool, vault } = await fresh()
    const other = await PgVaultStore.open({ pool })
    const custodian = await generateVaultKeyPair()
    const set = parseCustodians([`only=${custodian.publicKey}`], 1)
    const rings = [vault, other, vault, other].map(
      (store) => new EpochKeyRing({ logId: LOG_ID, set, periodMs: 60_000, store }),
    )
    // Each ring opens its first epoch and prepares the next: eight keys, all racing.
    await Promise.all(rings.map((r) => r.start()))
    const opened = rings.map((r) => r.epoch)
    assert.equal(new Set(opened).size, rings.length, `distinct epochs: ${opened}`)
    for (const epoch of opened) assert.ok(await vault.epochKey(epoch), `epoch ${epoch} stored`)
    for (const r of rings) r.close()
  })
})
