import pg from 'pg'

/** Parameters of {@link createPgPool}. */
export type CreatePgPoolParameters = {
  /** `postgres://user:password@host:port/database` (libpq's URL form). */
  url: string
  /** Most connections at once. Default 10. */
  max?: number
  /** Errors of idle connections (the server restarted, the network dropped): reported, not thrown. */
  onError?: (error: Error) => void
}

/**
 * The connection pool the PostgreSQL stores share. Every connection runs with
 * `synchronous_commit = on` whatever the server's default, since the log answers only after its
 * commit is durable (on the primary's disk, and on synchronous standbys when the server has any).
 * An idle connection that breaks is dropped by the pool and reported to `onError`; without a
 * listener that error would end the process.
 *
 * Spec: https://node-postgres.com/apis/pool ; PostgreSQL synchronous_commit.
 *
 * @example
 * const pool = createPgPool({ url: 'postgres://tml@db.internal/tml' })
 * const store = await PgLogStore.open({ pool, logId })
 */
export function createPgPool({ url, max = 10, onError }: CreatePgPoolParameters): pg.Pool {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new TypeError(`not a PostgreSQL URL: "${url}" (expected postgres://user@host:port/db)`)
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    options: '-c synchronous_commit=on',
    connectionTimeoutMillis: 10_000,
  })
  pool.on('error', (error) => onError?.(error))
  return pool
}
