import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type pg from 'pg'
import { createPgPool } from '../../src/db/postgres/createPgPool.ts'
import { PgPolicyArchive } from '../../src/policy/PgPolicyArchive.ts'
import { policyArchiveRecords } from '../../src/policy/policyArchiveRecords.ts'
import { shipped } from '../helpers/policies.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { policyArchiveConformance } from './policyArchiveConformance.ts'

// One real PostgreSQL server for the file; a database of its own for each archive.
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

async function freshUrl(): Promise<string> {
  databases += 1
  return createDatabase(cluster.url, `policy_archive_${databases}`)
}

function pool(url: string): pg.Pool {
  const p = createPgPool({ url })
  pools.push(p)
  return p
}

policyArchiveConformance('PgPolicyArchive', async () =>
  PgPolicyArchive.open({ pool: pool(await freshUrl()) }),
)

describe('PgPolicyArchive in the gateway database', () => {
  test('behavior: kept versions survive a new pool (a restarted gateway); two gateways keeping them at once keep one copy', async () => {
    const url = await freshUrl()
    const records = policyArchiveRecords({ policies: shipped, now: 1000 })
    const [a, b] = await Promise.all([
      PgPolicyArchive.open({ pool: pool(url) }),
      PgPolicyArchive.open({ pool: pool(url) }),
    ])
    await Promise.all([a.keep(records), b.keep(records)])
    const again = await PgPolicyArchive.open({ pool: pool(url) })
    const list = await again.list()
    assert.equal(list.length, shipped.size + 1)
    for (const r of records) assert.deepEqual(await again.get(r.hash), r)
  })

  test('errors: the table refuses UPDATE, DELETE and TRUNCATE, even past the archive', async () => {
    const p = pool(await freshUrl())
    const archive = await PgPolicyArchive.open({ pool: p })
    const records = policyArchiveRecords({ policies: shipped, now: 1000 })
    await archive.keep(records)
    for (const sql of [
      "UPDATE policy_archive SET document = '{}'",
      'DELETE FROM policy_archive',
      'TRUNCATE policy_archive',
    ])
      await assert.rejects(p.query(sql), /append-only/, sql)
    assert.equal((await archive.list()).length, records.length)
  })
})
