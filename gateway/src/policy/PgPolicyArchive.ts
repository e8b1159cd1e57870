import { bytesToHex, type Hex, hexToBytes } from '@tml/core'
import type pg from 'pg'
import { MigrationError } from '../db/MigrationError.ts'
import { inTransaction } from '../db/postgres/inTransaction.ts'
import { preparePostgresSchema } from '../db/postgres/postgresSchema.ts'
import { storeName } from '../db/postgres/storeName.ts'
import { StoreError } from '../memory/StoreError.ts'
import { checkArchivedPolicy } from './checkArchivedPolicy.ts'
import type { ArchivedPolicy, ArchivedPolicySummary, PolicyArchive } from './PolicyArchive.ts'

type Row = {
  hash: Buffer
  kind: 'profile' | 'set'
  profile: string | null
  document?: string
  source?: string | null
  first_seen_ms: string
}

/**
 * The PostgreSQL {@link PolicyArchive}: the `policy_archive` table of the gateway's database
 * (migration `0002_policy_archive`), on the pool the log store uses, so that every replica and
 * every restart serves each policy version the log ever named. See {@link PolicyArchive} for the
 * guarantees; here is how each holds:
 * - **Durable on return**: one transaction per `keep`, committed with `synchronous_commit = on`.
 * - **Self-verifying**: records are checked against their hash before anything is written.
 * - **Append-only, enforced by the database**: triggers refuse UPDATE, DELETE and TRUNCATE; a
 *   version kept again is skipped (`ON CONFLICT DO NOTHING`), its first-seen time unchanged,
 *   also when two gateways keep it at once.
 *
 * Spec: PostgreSQL transactions and synchronous_commit; node-postgres.
 *
 * @example
 * const archive = await PgPolicyArchive.open({ pool })
 * await archive.keep(policyArchiveRecords({ policies, now: Date.now() }))
 */
export class PgPolicyArchive implements PolicyArchive {
  readonly where: string
  readonly #pool: pg.Pool

  private constructor(pool: pg.Pool, where: string | undefined) {
    this.#pool = pool
    this.where = storeName(pool, where)
  }

  /**
   * The policy archive of the pool's database. A new, empty database is migrated first; one
   * with pending migrations is refused (`tml db migrate`).
   * @throws {MigrationError} pending or unknown migrations.
   */
  static async open({ pool, where }: { pool: pg.Pool; where?: string }): Promise<PgPolicyArchive> {
    const archive = new PgPolicyArchive(pool, where)
    await archive.#wrap('open', () => preparePostgresSchema(pool, { where: archive.where }))
    return archive
  }

  async keep(records: readonly ArchivedPolicy[]): Promise<void> {
    for (const r of records) checkArchivedPolicy(r)
    if (records.length === 0) return
    await this.#wrap('write', () =>
      inTransaction(this.#pool, 'BEGIN; SET LOCAL synchronous_commit = on', async (client) => {
        await client.query(
          `INSERT INTO policy_archive (hash, kind, profile, document, source, first_seen_ms)
       SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
       ON CONFLICT (hash) DO NOTHING`,
          [
            records.map((r) => Buffer.from(hexToBytes(r.hash))),
            records.map((r) => r.kind),
            records.map((r) => r.profile),
            records.map((r) => r.document),
            records.map((r) => r.source),
            records.map((r) => r.firstSeenMs),
          ],
        )
      }),
    )
  }

  async get(hash: Hex): Promise<ArchivedPolicy | undefined> {
    const { rows } = await this.#wrap('read', () =>
      this.#pool.query<Row>(
        'SELECT hash, kind, profile, document, source, first_seen_ms FROM policy_archive WHERE hash = $1',
        [Buffer.from(hexToBytes(hash))],
      ),
    )
    const row = rows[0]
    if (!row) return undefined
    return { ...summary(row), document: row.document as string, source: row.source ?? null }
  }

  async list(): Promise<ArchivedPolicySummary[]> {
    const { rows } = await this.#wrap('read', () =>
      this.#pool.query<Row>(
        'SELECT hash, kind, profile, first_seen_ms FROM policy_archive ORDER BY first_seen_ms, hash',
      ),
    )
    return rows.map(summary)
  }

  /** Does not end the pool: its owner (the gateway) does, after the other stores on it. */
  async close(): Promise<void> {}

  async #wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof StoreError || e instanceof MigrationError) throw e
      const raw = (e as { code?: unknown }).code
      const code =
        typeof raw === 'string' ? (/^[0-9A-Z]{5}$/.test(raw) ? `POSTGRES_${raw}` : raw) : 'UNKNOWN'
      throw new StoreError(
        `policy archive ${what} failed on ${this.where}: ${(e as Error).message}`,
        { code, cause: e },
      )
    }
  }
}

function summary(row: Row): ArchivedPolicySummary {
  return {
    hash: bytesToHex(row.hash),
    kind: row.kind,
    profile: row.profile,
    firstSeenMs: Number(row.first_seen_ms),
  }
}
