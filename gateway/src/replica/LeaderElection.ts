import type { Hex } from '@tml/core'
import pg from 'pg'
import { LEADER_LOCK_CLASS } from '../db/postgres/replicaSchema.ts'

/** Who leads the log now, as the `leader` row says. */
export type LeaderRecord = { term: number; url: string | null; holder: string }

/** Parameters of {@link LeaderElection.connect}. */
export type LeaderElectionParameters = {
  /** The log's PostgreSQL database (`postgres://…`). */
  url: string
  /** The log: the advisory lock's second key is derived from it. */
  logId: Hex
  /** Who this process is, in the `leader` row and the logs (host and pid, say). */
  holder: string
  /** How long one statement of the election may take before the connection counts as lost. */
  queryTimeoutMs?: number
}

/**
 * The second key of the leadership advisory lock: the log id's first four bytes, as a
 * non-negative 32-bit integer (advisory locks are per database, so this only keeps two logs'
 * tables in one database apart).
 *
 * @example leaderLockKey('0x7fa1…') // 2141… (a number below 2^31)
 */
export function leaderLockKey(logId: Hex): number {
  return Number.parseInt(logId.slice(2, 10), 16) & 0x7fffffff
}

/**
 * Leadership of the gateway replicas of one PostgreSQL log, on a dedicated connection (not a
 * pool's: a session-level advisory lock belongs to the connection that took it). Whoever holds
 * `pg_try_advisory_lock(LEADER_LOCK_CLASS, leaderLockKey(logId))` leads; the server releases it
 * when that connection ends, including when the process is killed (its socket closes). Winning
 * also takes the next term in the `leader` row, which the database lets only the lock's holder
 * do, and which fences the writes of every earlier leader (src/db/postgres/replicaSchema.ts).
 *
 * The connection has TCP keep-alive and a statement timeout: a leader whose connection is lost
 * learns it from `onLost`, and must stop (its lock may already be someone else's).
 *
 * Spec: PostgreSQL advisory locks (pg_try_advisory_lock, session level).
 *
 * @example
 * const election = await LeaderElection.connect({ url, logId, holder: 'host-a:4242' })
 * const term = await election.tryLead('http://10.0.0.5:8787') // undefined: another replica leads
 */
export class LeaderElection {
  readonly lockKey: number
  readonly #client: pg.Client
  readonly #holder: string
  #lost: Error | undefined
  #onLost: ((error: Error) => void) | undefined

  private constructor(client: pg.Client, lockKey: number, holder: string) {
    this.#client = client
    this.lockKey = lockKey
    this.#holder = holder
    const lost = (error: Error) => {
      if (this.#lost) return
      this.#lost = error
      this.#onLost?.(error)
    }
    client.on('error', lost)
    client.on('end', () => lost(new Error('the leader election connection ended')))
  }

  /** Opens the election's own connection. */
  static async connect({
    url,
    logId,
    holder,
    queryTimeoutMs = 5_000,
  }: LeaderElectionParameters): Promise<LeaderElection> {
    const client = new pg.Client({
      connectionString: url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1_000,
      query_timeout: queryTimeoutMs,
      connectionTimeoutMillis: queryTimeoutMs,
      application_name: `tml-replica ${holder}`.slice(0, 63),
    })
    await client.connect()
    return new LeaderElection(client, leaderLockKey(logId), holder)
  }

  /** Why the connection is gone, once it is (a leader must stop then). */
  get lost(): Error | undefined {
    return this.#lost
  }

  /** Called once when the connection breaks or ends (not after {@link close}). */
  onLost(listener: (error: Error) => void): void {
    this.#onLost = listener
  }

  /**
   * Tries to lead, without waiting: takes the lock if free and then the next term, advertising
   * `advertiseUrl` to the other replicas. Resolves with the term won, or undefined when another
   * replica holds the lock.
   */
  async tryLead(advertiseUrl: string): Promise<number | undefined> {
    const { rows } = await this.#client.query<{ won: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS won',
      [LEADER_LOCK_CLASS, this.lockKey],
    )
    if (!rows[0]?.won) return undefined
    // The update waits for the writes in flight of the previous leader (they hold the row FOR
    // SHARE) and fences every later one.
    try {
      const claimed = await this.#client.query<{ term: string }>(
        `INSERT INTO leader (id, term, lock_key, url, holder, since_ms) VALUES (1, 1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET term = leader.term + 1, url = excluded.url,
         holder = excluded.holder, since_ms = excluded.since_ms
         RETURNING term`,
        [this.lockKey, advertiseUrl, this.#holder, Date.now()],
      )
      return Number(claimed.rows[0]?.term)
    } catch (e) {
      // A lock held without a term would keep every replica from leading.
      await this.#client
        .query('SELECT pg_advisory_unlock($1, $2)', [LEADER_LOCK_CLASS, this.lockKey])
        .catch(() => {})
      throw e
    }
  }

  /** The `leader` row: who leads now (or led last), or undefined before any election. */
  async leader(): Promise<LeaderRecord | undefined> {
    const { rows } = await this.#client.query<{ term: string; url: string | null; holder: string }>(
      'SELECT term, url, holder FROM leader WHERE id = 1',
    )
    const row = rows[0]
    return row ? { term: Number(row.term), url: row.url, holder: row.holder } : undefined
  }

  /** Ends the connection, which releases the lock if held. */
  async close(): Promise<void> {
    this.#onLost = undefined
    if (!this.#lost) this.#lost = new Error('closed')
    await this.#client.end().catch(() => {})
  }
}
