import type pg from 'pg'

/**
 * Runs `work` in one transaction on a connection of `pool`: `begin` (the `BEGIN` statement and
 * any `SET LOCAL` of the stores: synchronous commit, the leader's fencing term) in one round
 * trip, then `work`, then `COMMIT`; `ROLLBACK` and the error when anything fails. Written once
 * for the PostgreSQL stores, so that each gets the same care of its connection:
 * - a connection cut while checked out (server restart, terminated backend) emits 'error' on the
 *   client, which would end the process without a listener: it is listened to here, and the
 *   query's own rejection reports it;
 * - a connection that failed mid-transaction (a cut, or a ROLLBACK that failed) is not given back
 *   to the pool for reuse.
 *
 * Spec: node-postgres pool checkout (`pool.connect`, `client.release(err)`).
 *
 * @example
 * await inTransaction(pool, 'BEGIN; SET LOCAL synchronous_commit = on', (client) => client.query(sql, params))
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  begin: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  let broken = false
  const onError = () => {
    broken = true
  }
  client.on('error', onError)
  try {
    await client.query(begin)
    try {
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        broken = true
      })
      throw e
    }
  } catch (e) {
    broken = broken || isConnectionError(e)
    throw e
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}

/** An error that is not a SQL error of the server (SQLSTATE), or one of class 08 (connection). */
function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08')
}
