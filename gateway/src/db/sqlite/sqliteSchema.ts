import type Database from 'better-sqlite3'
import { assertMigrated } from '../assertMigrated.ts'
import { MIGRATIONS_TABLE } from '../migrationsTable.ts'
import { SQLITE_MIGRATIONS, type SqliteMigration } from './migrations.ts'

/** Where a database stands: its applied migrations and whether it holds anything yet. */
export type SqliteSchemaState = {
  /** Applied migrations, in order (a database from before migrations counts as at the first). */
  applied: string[]
  /** No table at all yet (besides the migrations table): a new store. */
  empty: boolean
  /** Tables but no migrations table: a store created before migrations existed. */
  premigration: boolean
}

/**
 * Reads where the database stands, without writing anything (safe on a read-only connection).
 *
 * @example
 * sqliteSchemaState(db).applied // ['0001_initial']
 */
export function sqliteSchemaState(db: Database.Database): SqliteSchemaState {
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  ).map((t) => t.name)
  const hasTable = tables.includes(MIGRATIONS_TABLE)
  const others = tables.filter((t) => t !== MIGRATIONS_TABLE)
  const recorded = hasTable
    ? (
        db.prepare(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`).all() as { name: string }[]
      ).map((r) => r.name)
    : []
  const premigration = !hasTable && others.length > 0
  const first = SQLITE_MIGRATIONS[0]?.name as string
  return {
    applied: premigration ? [first] : recorded,
    empty: others.length === 0 && recorded.length === 0,
    premigration,
  }
}

/** Creates the migrations table (umzug's storage) when it is missing. */
export function createMigrationsTable(db: Database.Database): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_ms INTEGER NOT NULL) WITHOUT ROWID`,
  )
}

/** Runs one migration and records it, in the caller's transaction. */
export function applySqliteMigration(db: Database.Database, m: SqliteMigration): void {
  m.up(db)
  db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (name, applied_ms) VALUES (?, ?)`).run(
    m.name,
    Date.now(),
  )
}

/**
 * Records a database from before migrations as being at migration 1: runs migration 1 over it
 * (idempotent: it only adds tables or columns that database lacks) and records it. Does nothing
 * on any other database. One IMMEDIATE transaction, so that two connections opening the same
 * file at once (the gateway's, its commit worker's) do it once.
 *
 * @example
 * baselineSqlite(db) // a data directory of an older gateway now records 0001_initial
 */
export function baselineSqlite(db: Database.Database): void {
  if (!sqliteSchemaState(db).premigration) return
  db.transaction(() => {
    if (!sqliteSchemaState(db).premigration) return
    createMigrationsTable(db)
    applySqliteMigration(db, SQLITE_MIGRATIONS[0] as SqliteMigration)
  }).immediate()
}

/**
 * What every SQLite store does when it opens the log database: a new, empty database gets the
 * whole schema at once (the laptop demo needs no extra step); a database from before migrations
 * is recorded at migration 1 ({@link baselineSqlite}); any other database must have every
 * migration applied already, else it is refused with the command that migrates it. The stores
 * open synchronously (better-sqlite3), so the empty-database case runs the migration list here
 * in one transaction; `tml db migrate` applies pending migrations through umzug
 * ({@link migrateSqlite}), recording them in the same table.
 *
 * @throws {MigrationError} `TML_PENDING_MIGRATIONS` naming `tml db migrate`, or
 *   `TML_UNKNOWN_MIGRATIONS` for a database migrated by a newer gateway.
 * @example
 * prepareSqliteSchema(db, { path: 'data/log.db' })
 */
export function prepareSqliteSchema(db: Database.Database, { path }: { path: string }): void {
  baselineSqlite(db)
  if (sqliteSchemaState(db).empty) {
    db.transaction(() => {
      if (!sqliteSchemaState(db).empty) return
      createMigrationsTable(db)
      for (const m of SQLITE_MIGRATIONS) applySqliteMigration(db, m)
    }).immediate()
  }
  assertMigrated({
    where: path,
    known: SQLITE_MIGRATIONS.map((m) => m.name),
    applied: sqliteSchemaState(db).applied,
    migrateHint: `tml db migrate --data ${dataDirOf(path)}`,
  })
}

function dataDirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return i <= 0 ? '.' : path.slice(0, i)
}
