import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { Umzug } from 'umzug'
import { MIGRATIONS_TABLE } from '../migrationsTable.ts'
import { SQLITE_MIGRATIONS } from './migrations.ts'
import {
  applySqliteMigration,
  baselineSqlite,
  createMigrationsTable,
  sqliteSchemaState,
} from './sqliteSchema.ts'

function umzugFor(db: Database.Database): Umzug<Database.Database> {
  return new Umzug<Database.Database>({
    context: db,
    logger: undefined,
    // Each migration and its record commit together (IMMEDIATE: no other writer in between);
    // umzug's own record is then a no-op.
    migrations: SQLITE_MIGRATIONS.map((m) => ({
      name: m.name,
      up: async ({ context }) =>
        context.transaction(() => applySqliteMigration(context, m)).immediate(),
    })),
    storage: {
      executed: async () => sqliteSchemaState(db).applied,
      logMigration: async ({ name }) => {
        createMigrationsTable(db)
        db.prepare(
          `INSERT OR IGNORE INTO ${MIGRATIONS_TABLE} (name, applied_ms) VALUES (?, ?)`,
        ).run(name, Date.now())
      },
      unlogMigration: async ({ name }) => {
        db.prepare(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = ?`).run(name)
      },
    },
  })
}

function openDatabase(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  // As the stores open it: WAL, and every commit on disk before we return.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  return db
}

/**
 * Applies every pending migration of the SQLite log database at `path` through umzug (a
 * database from before migrations is first recorded at migration 1). Creates the file when
 * missing. The caller makes sure no gateway runs on it (`tml db migrate` holds the data
 * directory's lock). Returns the names applied now.
 *
 * @example
 * await migrateSqlite({ path: 'data/log.db' }) // ['0001_initial'] on a new file
 */
export async function migrateSqlite({ path }: { path: string }): Promise<string[]> {
  const db = openDatabase(path)
  try {
    baselineSqlite(db)
    return (await umzugFor(db).up()).map((m) => m.name)
  } finally {
    db.close()
  }
}

/**
 * Applied and pending migrations of the SQLite log database at `path`, read on a read-only
 * connection (nothing is created or written; a missing file has everything pending).
 *
 * @example
 * const { pending } = await sqliteMigrationStatus({ path: 'data/log.db' })
 */
export async function sqliteMigrationStatus({
  path,
}: {
  path: string
}): Promise<{ applied: string[]; pending: string[] }> {
  if (!existsSync(path)) return { applied: [], pending: SQLITE_MIGRATIONS.map((m) => m.name) }
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const umzug = umzugFor(db)
    return {
      applied: (await umzug.executed()).map((m) => m.name),
      pending: (await umzug.pending()).map((m) => m.name),
    }
  } finally {
    db.close()
  }
}
