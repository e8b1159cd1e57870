import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { bytesToHex, type Hex, hexToBytes } from '@tml/core'
import Database from 'better-sqlite3'
import { prepareSqliteSchema } from '../db/sqlite/sqliteSchema.ts'
import { checkArchivedPolicy } from './checkArchivedPolicy.ts'
import type { ArchivedPolicy, ArchivedPolicySummary, PolicyArchive } from './PolicyArchive.ts'

type Row = {
  hash: Buffer
  kind: 'profile' | 'set'
  profile: string | null
  document?: string
  source?: string | null
  first_seen_ms: number
}

/**
 * The SQLite {@link PolicyArchive}: the `policy_archive` table of the log's database (migration
 * `0002_policy_archive`; append-only by triggers), on its own connection (WAL lets it work beside
 * the log's writer), `synchronous = FULL` so that a kept version is on disk before `keep`
 * resolves.
 *
 * Spec: see {@link PolicyArchive} for the guarantees; SQLite WAL.
 *
 * @example
 * const archive = SqlitePolicyArchive.open({ path: './data/log.db' })
 * await archive.keep(policyArchiveRecords({ policies, now: Date.now() }))
 */
export class SqlitePolicyArchive implements PolicyArchive {
  readonly #db: Database.Database
  readonly #s: ReturnType<typeof prepare>

  private constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.#db = new Database(path)
    try {
      this.#db.pragma('journal_mode = WAL')
      this.#db.pragma('synchronous = FULL')
      this.#db.pragma('busy_timeout = 5000')
      // The schema is the migrations' (src/db/sqlite), whichever store opens the file first.
      prepareSqliteSchema(this.#db, { path })
      this.#s = prepare(this.#db)
    } catch (e) {
      this.#db.close()
      throw e
    }
  }

  /**
   * Opens the policy archive of the log database at `path` (created when missing).
   * @throws {MigrationError} when the file has pending migrations (`tml db migrate`).
   */
  static open({ path }: { path: string }): SqlitePolicyArchive {
    return new SqlitePolicyArchive(path)
  }

  async keep(records: readonly ArchivedPolicy[]): Promise<void> {
    for (const r of records) checkArchivedPolicy(r)
    this.#db
      .transaction(() => {
        for (const r of records)
          this.#s.insert.run(
            hexToBytes(r.hash),
            r.kind,
            r.profile,
            r.document,
            r.source,
            r.firstSeenMs,
          )
      })
      .immediate()
  }

  async get(hash: Hex): Promise<ArchivedPolicy | undefined> {
    const row = this.#s.get.get(hexToBytes(hash)) as Row | undefined
    if (!row) return undefined
    return { ...summary(row), document: row.document as string, source: row.source ?? null }
  }

  async list(): Promise<ArchivedPolicySummary[]> {
    return (this.#s.list.all() as Row[]).map(summary)
  }

  async close(): Promise<void> {
    this.#db.close()
  }
}

function summary(row: Row): ArchivedPolicySummary {
  return {
    hash: bytesToHex(row.hash),
    kind: row.kind,
    profile: row.profile,
    firstSeenMs: row.first_seen_ms,
  }
}

function prepare(db: Database.Database) {
  return {
    // A version already kept stays as it was (its first-seen time included): append-only.
    insert: db.prepare(
      'INSERT OR IGNORE INTO policy_archive (hash, kind, profile, document, source, first_seen_ms) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    get: db.prepare(
      'SELECT hash, kind, profile, document, source, first_seen_ms FROM policy_archive WHERE hash = ?',
    ),
    list: db.prepare(
      'SELECT hash, kind, profile, first_seen_ms FROM policy_archive ORDER BY first_seen_ms, hash',
    ),
  }
}
