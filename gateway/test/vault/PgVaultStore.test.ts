import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type pg from 'pg'
import { createPgPool } from '../../src/db/postgres/createPgPool.ts'
import { PgLogStore } from '../../src/memory/PgLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { EpochKeyRing } from '../../src/vault/EpochKeyRing.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { PgVaultStore } from '../../src/vault/PgVaultStore.ts'
import { LOG_ID } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { epochKey, sealedEntry, vaultStoreConformance } from './vaultStoreConformance.ts'

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
    append: (entries, sealed) =>
      log.append({ entries, subjectKeys: [], erasedLookups: [] }, (client) =>
        vault.writeSealed(client, sealed),
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
  test('errors: sealed records and wrapped epoch keys are write-once (UPDATE, DELETE, TRUNCATE)', async () => {
    const { pool, log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    const a = sealedEntry(0)
    await log.append({ entries: [a.entry], subjectKeys: [], erasedLookups: [] }, (c) =>
      vault.writeSealed(c, [a.sealed]),
    )
    for (const sql of [
      'DELETE FROM vault_records',
      'TRUNCATE vault_records',
      "UPDATE vault_epochs SET shares = '[]'",
      'DELETE FROM vault_epochs',
      'TRUNCATE vault_epochs CASCADE',
    ])
      await assert.rejects(pool.query(sql), /write-once/, sql)
    assert.deepEqual(await vault.sealedBySeq(0), a.sealed)
    assert.deepEqual(await vault.epochKey(1), epochKey(1))
  })

  test('errors: an MTL that carries evidence_seal cannot commit without its sealed record', async () => {
    const { log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    // The attack: a client appends the MTL and "forgets" the envelope (or loses it in a crash
    // between two transactions), so the anchored seal names evidence nobody holds.
    const a = sealedEntry(0)
    await assert.rejects(
      log.append({ entries: [a.entry], subjectKeys: [], erasedLookups: [] }),
      (e: unknown) => sealCode(e) && /names a sealed record/.test((e as Error).message),
    )
    assert.equal(await log.size(), 0)
  })

  test('errors: a sealed record that is not the one its MTL names is refused with its MTL', async () => {
    const { log, vault } = await fresh()
    await vault.putEpoch(epochKey(1))
    const a = sealedEntry(0)
    const other = sealedEntry(0)
    // Another envelope (same seq, trace id and epoch) under the MTL's seal: the hashes differ.
    await assert.rejects(
      log.append({ entries: [a.entry], subjectKeys: [], erasedLookups: [] }, (c) =>
        vault.writeSealed(c, [other.sealed]),
      ),
      (e: unknown) => sealCode(e) && /not the one its MTL names/.test((e as Error).message),
    )
    // The right envelope under another trace id.
    await assert.rejects(
      log.append({ entries: [a.entry], subjectKeys: [], erasedLookups: [] }, (c) =>
        vault.writeSealed(c, [{ ...a.sealed, traceId: 'another-trace' }]),
      ),
      sealCode,
    )
    assert.equal(await log.size(), 0)
    assert.equal(await vault.sealedBySeq(0), undefined)
  })

  test('errors: a record sealed under an epoch whose wrapped key is not stored is refused', async () => {
    const { log, vault } = await fresh()
    const a = sealedEntry(0, 7)
    await assert.rejects(
      log.append({ entries: [a.entry], subjectKeys: [], erasedLookups: [] }, (c) =>
        vault.writeSealed(c, [a.sealed]),
      ),
      (e: unknown) => e instanceof StoreError && e.code === 'POSTGRES_23503',
    )
    assert.equal(await log.size(), 0)
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
