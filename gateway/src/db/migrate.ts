import { join } from 'node:path'
import { createPgPool } from './postgres/createPgPool.ts'
import { migratePostgres, postgresMigrationStatus } from './postgres/postgresSchema.ts'
import { migrateSqlite, sqliteMigrationStatus } from './sqlite/migrateSqlite.ts'

/** Which store a command works on: the SQLite file of a data directory, or a PostgreSQL URL. */
export type StoreTarget = { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string }

/** Applied and pending migrations of a store, in order. */
export type MigrationStatus = { applied: string[]; pending: string[] }

/**
 * The store a `--store` value names: a `postgres://` or `postgresql://` URL is PostgreSQL;
 * anything else, or nothing, is the SQLite file of the data directory.
 *
 * @example
 * storeTarget({ store: process.env.TML_STORE, dataDir: './data' })
 */
export function storeTarget({
  store,
  dataDir,
}: {
  store?: string | undefined
  dataDir: string
}): StoreTarget {
  return store && /^postgres(ql)?:\/\//.test(store)
    ? { kind: 'postgres', url: store }
    : { kind: 'sqlite', dataDir }
}

/**
 * Applies the store's pending migrations (umzug) and returns the names applied now. For
 * SQLite, the caller holds the data directory's lock (no gateway may write meanwhile).
 *
 * @example
 * await migrate({ kind: 'postgres', url: 'postgres://tml@db/tml' })
 */
export async function migrate(target: StoreTarget): Promise<string[]> {
  if (target.kind === 'sqlite') return migrateSqlite({ path: join(target.dataDir, 'log.db') })
  const pool = createPgPool({ url: target.url, max: 1 })
  try {
    return await migratePostgres(pool)
  } finally {
    await pool.end()
  }
}

/**
 * The store's applied and pending migrations, writing nothing.
 *
 * @example
 * const { pending } = await migrationStatus({ kind: 'sqlite', dataDir: './data' })
 */
export async function migrationStatus(target: StoreTarget): Promise<MigrationStatus> {
  if (target.kind === 'sqlite')
    return sqliteMigrationStatus({ path: join(target.dataDir, 'log.db') })
  const pool = createPgPool({ url: target.url, max: 1 })
  try {
    return await postgresMigrationStatus(pool)
  } finally {
    await pool.end()
  }
}

/**
 * The store's pending migrations, in order (empty when it is current).
 *
 * @example
 * if ((await pendingMigrations(target)).length > 0) console.log('run tml db migrate')
 */
export async function pendingMigrations(target: StoreTarget): Promise<string[]> {
  return (await migrationStatus(target)).pending
}
