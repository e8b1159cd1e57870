import type pg from 'pg'
import { Umzug } from 'umzug'
import { assertMigrated } from '../assertMigrated.ts'
import { MIGRATIONS_TABLE } from '../migrationsTable.ts'
import { POSTGRES_MIGRATIONS } from './migrations.ts'

// One advisory lock for every migration step, so that gateways starting together against one
// database (replicas) migrate it once and never see it half-migrated.
const MIGRATION_LOCK = 0x746d6c6d // "tmlm"

/** Where a database stands: its applied migrations and whether it holds anything yet. */
export type PostgresSchemaState = { applied: string[]; empty: boolean }

/**
 * Reads where the database (its current schema, `public` by default) stands, writing nothing.
 *
 * @example
 * (await postgresSchemaState(client)).applied // ['0001_initial']
 */
export async function postgresSchemaState(client: pg.ClientBase): Promise<PostgresSchemaState> {
  const tables = (
    await client.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
    )
  ).rows.map((r) => r.name)
  const applied = tables.includes(MIGRATIONS_TABLE)
    ? (
        await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`)
      ).rows.map((r) => r.name)
    : []
  return {
    applied,
    empty: tables.filter((t) => t !== MIGRATIONS_TABLE).length === 0 && applied.length === 0,
  }
}

function umzugFor(client: pg.ClientBase): Umzug<pg.ClientBase> {
  const record = async (name: string) => {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)`,
    )
    await client.query(
      `INSERT INTO ${MIGRATIONS_TABLE} (name, applied_ms) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, Date.now()],
    )
  }
  return new Umzug<pg.ClientBase>({
    context: client,
    logger: undefined,
    // Each migration and its record commit together; umzug's own record is then a no-op.
    migrations: POSTGRES_MIGRATIONS.map((m) => ({
      name: m.name,
      up: async ({ context }) => {
        await context.query('BEGIN')
        try {
          await m.up(context)
          await record(m.name)
          await context.query('COMMIT')
        } catch (e) {
          await context.query('ROLLBACK')
          throw e
        }
      },
    })),
    storage: {
      executed: async () => (await postgresSchemaState(client)).applied,
      logMigration: async ({ name }) => record(name),
      unlogMigration: async ({ name }) => {
        await client.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = $1`, [name])
      },
    },
  })
}

async function withMigrationLock<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      return await fn(client)
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
    }
  } finally {
    client.release()
  }
}

/**
 * Applies every pending migration through umzug, under an advisory lock.
 * Returns the names applied now.
 *
 * @example
 * await migratePostgres(pool) // ['0001_initial'] on a new database
 */
export async function migratePostgres(pool: pg.Pool): Promise<string[]> {
  return withMigrationLock(pool, async (client) => (await umzugFor(client).up()).map((m) => m.name))
}

/**
 * Applied and pending migrations of the database, through umzug (writes nothing).
 *
 * @example
 * const { pending } = await postgresMigrationStatus(pool)
 */
export async function postgresMigrationStatus(
  pool: pg.Pool,
): Promise<{ applied: string[]; pending: string[] }> {
  const client = await pool.connect()
  try {
    const umzug = umzugFor(client)
    return {
      applied: (await umzug.executed()).map((m) => m.name),
      pending: (await umzug.pending()).map((m) => m.name),
    }
  } finally {
    client.release()
  }
}

/**
 * What a gateway does with its PostgreSQL database at start: a new, empty database is migrated
 * at once (nothing to back up first); a database with pending migrations is refused with the
 * command that migrates it, since migrating a database with a log in it is the operator's call
 * (after a backup, with every replica stopped or upgraded).
 *
 * @throws {MigrationError} `TML_PENDING_MIGRATIONS` naming `tml db migrate --store URL`, or
 *   `TML_UNKNOWN_MIGRATIONS` for a database migrated by a newer gateway.
 * @example
 * await preparePostgresSchema(pool, { where: 'postgres://db.internal/tml' })
 */
export async function preparePostgresSchema(
  pool: pg.Pool,
  { where }: { where: string },
): Promise<void> {
  await withMigrationLock(pool, async (client) => {
    if ((await postgresSchemaState(client)).empty) await umzugFor(client).up()
    assertMigrated({
      where,
      known: POSTGRES_MIGRATIONS.map((m) => m.name),
      applied: (await postgresSchemaState(client)).applied,
      migrateHint: `tml db migrate --store ${/^postgres(ql)?:\/\//.test(where) ? where : 'URL'}`,
    })
  })
}
