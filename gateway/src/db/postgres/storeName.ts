import type pg from 'pg'
import { redactUrl } from './redactUrl.ts'

/**
 * How a PostgreSQL store names itself in errors and logs: the name its caller gave, else the
 * pool's URL without its password, else a generic name (a pool built from separate fields).
 *
 * @example
 * storeName(pool) // 'postgres://tml:***@db/tml'
 */
export function storeName(pool: pg.Pool, given?: string): string {
  if (given !== undefined) return given
  const url = pool.options.connectionString
  return url ? redactUrl(url) : 'the PostgreSQL store'
}
