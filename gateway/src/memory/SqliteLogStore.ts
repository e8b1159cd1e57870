import { mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { bytesToHex, type Hex, RECEIPT_VERSION } from '@tml/core'
import Database from 'better-sqlite3'
import { MigrationError } from '../db/MigrationError.ts'
import { prepareSqliteSchema } from '../db/sqlite/sqliteSchema.ts'
import type { AppendBatch, LogStore, StoredEntry } from './LogStore.ts'
import { StoreError } from './StoreError.ts'

/** Parameters of {@link SqliteLogStore.open}. */
export type SqliteLogStoreParameters = {
  /** Database file (`./data/log.db` by default in the CLI). */
  path: string
  /** The log this store holds; a store of another log is refused. */
  logId: Hex
  /**
   * The caller checked this file a moment ago (the commit worker opening the file its gateway just
   * opened): skip the start-up `quick_check`, a scan of the whole file. Default false.
   */
  integrityChecked?: boolean
}

/**
 * A failure {@link SqliteLogStore.injectFault} makes SQLite raise on this store's connection:
 * `full` caps the database at its current page count (SQLITE_FULL, as on a full disk),
 * `readonly` refuses every write (SQLITE_READONLY, as on a file or file system turned read-only).
 */
export type SqliteFault = 'full' | 'readonly'

/** Entries per multi-row INSERT (11 parameters each, far below SQLite's limit of 32766). */
const INSERT_CHUNK = 16

/** What the probe's rolled-back write allocates: a few pages at the default page size (4096). */
const PROBE_GROW_BYTES = 16_384
const ROLLED_BACK = Symbol('rolled back')

/** The one reason every corruption code of SQLite is reported under (see {@link corruptionCode}). */
export const CORRUPT_CODE = 'SQLITE_CORRUPT'

/** Lines of `PRAGMA quick_check` quoted in the error: enough to say what is wrong, not a dump. */
const QUICK_CHECK_LINES = 3

type Row = {
  seq: number
  trace_id: string
  kind: string
  state: -1 | 0 | 1
  leaf_hash: Buffer
  mtl: string
  receipt_timestamp: string
  receipt_signature: Buffer
  refers_to: string | null
  profile: string | null
  pause_deadline_ms: number | null
}

/**
 * The embedded Always Memory store: one SQLite file in WAL mode with `synchronous = FULL`, so
 * each commit fsyncs the write-ahead log before it returns (durable on return, also across a
 * power loss). One transaction per batch is the group commit: many decisions, one fsync.
 * `secure_delete` overwrites a shredded subject secret's bytes instead of only unlinking them,
 * and the WAL is checkpointed and truncated right after an erasure, so the secret leaves the
 * files. See {@link LogStore} for the guarantees.
 *
 * Spec: SQLite WAL (https://sqlite.org/wal.html), PRAGMA synchronous, PRAGMA secure_delete.
 *
 * @example
 * const store = SqliteLogStore.open({ path: './data/log.db', logId })
 * await store.append({ entries, subjectKeys: [], erasedLookups: [] })
 */
export class SqliteLogStore implements LogStore {
  readonly path: string
  readonly logId: Hex
  #db: Database.Database
  #size = 0
  #statements!: ReturnType<typeof prepare>
  #fault: SqliteFault | undefined
  #defaultMaxPageCount = 0
  /** Set when SQLite reported corruption: the probe then checks the whole file before trusting it. */
  #suspect = false

  private constructor({ path, logId, integrityChecked = false }: SqliteLogStoreParameters) {
    this.path = path
    this.logId = logId
    this.#db = this.#connect(!integrityChecked)
  }

  /**
   * Opens (creating if needed) the store of log `logId`. An existing file is checked first
   * (`PRAGMA quick_check`, on a read-only connection): a file that is not a SQLite database or
   * whose pages are damaged is refused and left exactly as it is, never repaired, overwritten or
   * truncated, since it may be the only copy of the log.
   * @throws {StoreError} `SQLITE_CORRUPT` when the file is not a database or fails the check,
   *   naming the file and what is wrong; also when it belongs to another log.
   * @throws {MigrationError} when the file has pending migrations (`tml db migrate` applies them)
   *   or was migrated by a newer gateway. A new file is migrated here.
   */
  static open(parameters: SqliteLogStoreParameters): SqliteLogStore {
    if (parameters.path !== ':memory:') mkdirSync(dirname(parameters.path), { recursive: true })
    return new SqliteLogStore(parameters)
  }

  // `check`: at start-up and after corruption; not on every reconnect of a full or read-only
  // outage, where a scan of the whole file per probe would only cost time.
  #connect(check: boolean): Database.Database {
    if (check) checkIntegrity(this.path)
    const db = this.#wrap('open', () => new Database(this.path))
    try {
      this.#wrap('open', () => {
        db.pragma('journal_mode = WAL')
        db.pragma('synchronous = FULL')
        db.pragma('secure_delete = ON')
        db.pragma('foreign_keys = ON')
        db.pragma('busy_timeout = 2000')
      })
      // The schema is the migrations' (src/db/sqlite): a new file gets it, a file with pending
      // migrations is refused with the command that applies them (a MigrationError, unwrapped).
      this.#wrap('open', () => prepareSqliteSchema(db, { path: this.path }))
      const stored = this.#wrap(
        'open',
        () =>
          db.prepare("SELECT value FROM meta WHERE key = 'log_id'").get() as
            | { value: string }
            | undefined,
      )
      if (stored === undefined) {
        this.#wrap('open', () =>
          db.prepare("INSERT INTO meta (key, value) VALUES ('log_id', ?)").run(this.logId),
        )
      } else if (stored.value !== this.logId) {
        throw new StoreError(`Store ${this.path} holds log ${stored.value}, not ${this.logId}`, {
          code: 'TML_OTHER_LOG',
        })
      }
      this.#statements = prepare(db)
      this.#defaultMaxPageCount = db.pragma('max_page_count', { simple: true }) as number
      // A fault outlives reconnections (the probe reconnects): only injectFault clears it.
      this.#applyFault(db)
      const last = this.#statements.maxSeq.get() as { max: number | null }
      const count = (this.#statements.count.get() as { n: number }).n
      const size = last.max === null ? 0 : last.max + 1
      if (count !== size) {
        throw new StoreError(
          `Store ${this.path} has ${count} entries but the last seq is ${size - 1}: a gap`,
          { code: 'TML_GAP' },
        )
      }
      this.#size = size
      return db
    } catch (e) {
      db.close()
      throw e
    }
  }

  async size(): Promise<number> {
    // Read, not cached: in worker mode another connection (the commit worker's) writes.
    const last = this.#wrap('read', () => this.#statements.maxSeq.get()) as { max: number | null }
    this.#size = last.max === null ? 0 : last.max + 1
    return this.#size
  }

  async append(batch: AppendBatch): Promise<void> {
    this.appendSync(batch)
  }

  /**
   * The current write connection (it changes when the store reconnects after a fault): the
   * commit worker's vault prepares its statements on it, so that sealed records commit with
   * their MTLs.
   */
  get connection(): Database.Database {
    return this.#db
  }

  /**
   * {@link append} without the promise, for callers on the same thread that need no await.
   * `alsoWrite` runs inside the batch's transaction (the vault's sealed records): it commits
   * with the entries or not at all.
   */
  appendSync({ entries, subjectKeys, erasedLookups }: AppendBatch, alsoWrite?: () => void): void {
    entries.forEach((e, i) => {
      if (e.seq !== this.#size + i) {
        throw new StoreError(
          `Append of seq ${e.seq} where ${this.#size + i} is next would leave a gap`,
          { code: 'TML_GAP' },
        )
      }
    })
    const s = this.#statements
    this.#wrap('append', () =>
      this.#db.transaction(() => {
        for (const k of subjectKeys) s.putKey.run(k.lookup, k.secret)
        // Rows go in by INSERT_CHUNK per statement: the same rows, a fraction of the calls.
        let i = 0
        for (; i + INSERT_CHUNK <= entries.length; i += INSERT_CHUNK) {
          const values: unknown[] = []
          for (let j = i; j < i + INSERT_CHUNK; j++)
            values.push(...columns(entries[j] as StoredEntry))
          s.insertChunk.run(values)
        }
        for (; i < entries.length; i++) s.insert.run(columns(entries[i] as StoredEntry))
        for (const lookup of erasedLookups) s.deleteKey.run(lookup)
        alsoWrite?.()
      })(),
    )
    this.#size += entries.length
    if (erasedLookups.length > 0) {
      // The old page with the secret may still sit in the WAL: fold it into the database (where
      // secure_delete zeroed it) and truncate the WAL. Best effort: a busy reader delays it.
      try {
        this.#db.pragma('wal_checkpoint(TRUNCATE)')
      } catch {
        // The secret is already deleted in the database; the next checkpoint removes the copy.
      }
    }
  }

  async entryBySeq(seq: number): Promise<StoredEntry | undefined> {
    return this.#row(this.#wrap('read', () => this.#statements.bySeq.get(seq)) as Row | undefined)
  }

  async entryByTraceId(traceId: string): Promise<StoredEntry | undefined> {
    return this.#row(
      this.#wrap('read', () => this.#statements.byTrace.get(traceId)) as Row | undefined,
    )
  }

  async resolutionOf(traceId: string): Promise<StoredEntry | undefined> {
    return this.#row(
      this.#wrap('read', () => this.#statements.resolution.get(traceId)) as Row | undefined,
    )
  }

  async pendingPauses(): Promise<StoredEntry[]> {
    const rows = this.#wrap('read', () => this.#statements.pending.all()) as Row[]
    return rows.map((r) => this.#row(r) as StoredEntry)
  }

  async entries(fromSeq: number, limit: number): Promise<StoredEntry[]> {
    const rows = this.#wrap('read', () => this.#statements.range.all(fromSeq, limit)) as Row[]
    return rows.map((r) => this.#row(r) as StoredEntry)
  }

  async subjectSecret(lookup: Uint8Array): Promise<Uint8Array | undefined> {
    const row = this.#wrap('read', () => this.#statements.getKey.get(lookup)) as
      | { secret: Buffer }
      | undefined
    return row ? new Uint8Array(row.secret) : undefined
  }

  /**
   * Shows that the store can durably write again. After corruption was reported, a write that
   * happens to miss the damaged pages proves nothing: the whole file must pass `quick_check`
   * (on a new connection, which reads the file as it now is) before the store is trusted again.
   */
  async probe(): Promise<void> {
    try {
      // Suspect: no write on the old connection, whose cache may hold what the file no longer is.
      if (this.#suspect) throw new StoreError('corruption reported', { code: CORRUPT_CODE })
      this.#probeWrite()
    } catch {
      // A moved, replaced or broken file keeps failing on the old handle: reconnect, then retry.
      try {
        this.#db.close()
      } catch {
        // Already unusable; the reconnect below decides.
      }
      this.#db = this.#connect(this.#suspect)
      this.#probeWrite()
      this.#suspect = false
    }
  }

  /**
   * Makes this connection fail for real, until called again with `undefined`: SQLite itself
   * raises SQLITE_FULL (`full`: the database may not grow past its current page count) or
   * SQLITE_READONLY (`readonly`). The fault survives the probe's reconnections, as the cause
   * of a real failure would. For fault-injection tests (transparency-dev: fault injectors).
   */
  injectFault(fault: SqliteFault | undefined): void {
    this.#fault = fault
    this.#applyFault(this.#db)
  }

  #applyFault(db: Database.Database): void {
    const cap =
      this.#fault === 'full'
        ? (db.pragma('page_count', { simple: true }) as number)
        : this.#defaultMaxPageCount
    db.pragma(`max_page_count = ${cap}`)
    db.pragma(`query_only = ${this.#fault === 'readonly' ? 'ON' : 'OFF'}`)
  }

  // A real write, then fsync (the commit). Rewriting the probe row needs no new page, so the
  // store must also show that it can grow: a savepoint allocates pages for a large value and is
  // rolled back (SQLITE_FULL when the database cannot grow; nothing of it is written).
  #probeWrite(): void {
    const s = this.#statements
    this.#wrap('probe', () =>
      this.#db.transaction(() => {
        s.probe.run(Date.now())
        try {
          this.#db.transaction(() => {
            s.probeGrow.run(PROBE_GROW_BYTES)
            throw ROLLED_BACK
          })()
        } catch (e) {
          if (e !== ROLLED_BACK) throw e
        }
      })(),
    )
  }

  async close(): Promise<void> {
    this.#db.close()
  }

  /** Runs `fn` with the raw database: for tests that inject faults (page limits, corruption). */
  withDatabase<T>(fn: (db: Database.Database) => T): T {
    return fn(this.#db)
  }

  /** {@link wrap}, remembering corruption so that {@link probe} checks the file before trusting it. */
  #wrap<T>(what: string, fn: () => T): T {
    try {
      return wrap(what, fn)
    } catch (e) {
      if ((e as StoreError).code === CORRUPT_CODE) this.#suspect = true
      throw e
    }
  }

  #row(r: Row | undefined): StoredEntry | undefined {
    if (!r) return undefined
    return {
      seq: r.seq,
      traceId: r.trace_id,
      kind: r.kind,
      state: r.state,
      leafHash: bytesToHex(r.leaf_hash),
      mtl: r.mtl,
      receipt: {
        v: RECEIPT_VERSION,
        logId: this.logId,
        traceId: r.trace_id,
        seq: r.seq,
        leafHash: bytesToHex(r.leaf_hash),
        timestamp: r.receipt_timestamp,
        signature: bytesToHex(r.receipt_signature),
      },
      refersTo: r.refers_to,
      profile: r.profile,
      pauseDeadlineMs: r.pause_deadline_ms,
    }
  }
}

/** The `entries` columns of one entry, in the order of the INSERT statements. */
function columns(e: StoredEntry): unknown[] {
  return [
    e.seq,
    e.traceId,
    e.kind,
    e.state,
    hexToBuffer(e.leafHash),
    e.mtl,
    e.receipt.timestamp,
    hexToBuffer(e.receipt.signature),
    e.refersTo,
    e.profile,
    e.pauseDeadlineMs,
  ]
}

function prepare(db: Database.Database) {
  const cols =
    'seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature, refers_to, profile, pause_deadline_ms'
  const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
  return {
    insert: db.prepare(`INSERT INTO entries (${cols}) VALUES ${row}`),
    insertChunk: db.prepare(
      `INSERT INTO entries (${cols}) VALUES ${Array(INSERT_CHUNK).fill(row).join(', ')}`,
    ),
    maxSeq: db.prepare('SELECT max(seq) AS max FROM entries'),
    count: db.prepare('SELECT count(*) AS n FROM entries'),
    bySeq: db.prepare(`SELECT ${cols} FROM entries WHERE seq = ?`),
    byTrace: db.prepare(`SELECT ${cols} FROM entries WHERE trace_id = ?`),
    resolution: db.prepare(`SELECT ${cols} FROM entries WHERE refers_to = ? ORDER BY seq LIMIT 1`),
    pending: db.prepare(
      `SELECT ${cols} FROM entries e WHERE e.state = 0 AND e.kind = 'decision'
       AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.refers_to = e.trace_id) ORDER BY e.seq`,
    ),
    range: db.prepare(`SELECT ${cols} FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?`),
    putKey: db.prepare('INSERT OR IGNORE INTO subject_keys (lookup, secret) VALUES (?, ?)'),
    getKey: db.prepare('SELECT secret FROM subject_keys WHERE lookup = ?'),
    deleteKey: db.prepare('DELETE FROM subject_keys WHERE lookup = ?'),
    probe: db.prepare(
      'INSERT INTO probe (id, at_ms) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms',
    ),
    probeGrow: db.prepare('UPDATE probe SET at_ms = zeroblob(?) WHERE id = 1'),
  }
}

function hexToBuffer(hex: string): Buffer {
  return Buffer.from(hex.slice(2), 'hex')
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof StoreError || e instanceof MigrationError) throw e
    const raw =
      typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'UNKNOWN'
    const code = corruptionCode(raw) ?? raw
    const why = code === raw ? '' : ` (${raw})`
    throw new StoreError(`SQLite ${what} failed: ${(e as Error).message}${why}`, {
      code,
      cause: e,
    })
  }
}

/**
 * {@link CORRUPT_CODE} for every SQLite code that means the file's content is damaged
 * (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB), else undefined: one reason for
 * operators and the -1 answers, the exact code stays in the message.
 */
function corruptionCode(code: string): typeof CORRUPT_CODE | undefined {
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' ? CORRUPT_CODE : undefined
}

/**
 * Refuses an existing database file that is not a SQLite database or fails `PRAGMA
 * quick_check` (b-tree structure, page and record formats; not the cross-check of indexes
 * against tables that `integrity_check` adds, which costs far more on a large log). The check
 * runs on a read-only connection: a read-write one could checkpoint a write-ahead log into the
 * damaged file when it closes, and the file must stay exactly as found.
 */
function checkIntegrity(path: string): void {
  if (path === ':memory:') return
  let size: number
  try {
    size = statSync(path).size
  } catch {
    return // No file yet: SQLite creates it.
  }
  if (size === 0) return // An empty file is an empty database.
  let db: Database.Database | undefined
  let problems: string[]
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    const rows = db.pragma(`quick_check(${QUICK_CHECK_LINES})`) as { quick_check: string }[]
    // One line per problem, without SQLite's "*** in database main ***" heading.
    problems = rows
      .flatMap((r) => r.quick_check.split('\n'))
      .filter((line) => line !== 'ok' && !line.startsWith('***'))
  } catch (e) {
    const raw = (e as { code?: unknown }).code
    if (typeof raw === 'string' && corruptionCode(raw)) {
      const what = raw === 'SQLITE_NOTADB' ? 'is not a SQLite database' : 'is corrupt'
      throw new StoreError(
        `Store ${path} ${what} (${raw}: ${(e as Error).message}); it was left untouched: restore it from a copy or move it away`,
        { code: CORRUPT_CODE, cause: e },
      )
    }
    throw new StoreError(`Store ${path} cannot be checked: ${(e as Error).message}`, {
      code: typeof raw === 'string' ? raw : 'UNKNOWN',
      cause: e,
    })
  } finally {
    db?.close()
  }
  if (problems.length > 0) {
    throw new StoreError(
      `Store ${path} is corrupt (PRAGMA quick_check: ${problems.join('; ')}); it was left untouched: restore it from a copy or move it away`,
      { code: CORRUPT_CODE },
    )
  }
}
