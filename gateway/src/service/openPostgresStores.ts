import type { Hex } from '@tml/core'
import { PgAnchorStore } from '../anchoring/PgAnchorStore.ts'
import { createPgPool } from '../db/postgres/createPgPool.ts'
import { redactUrl } from '../db/postgres/redactUrl.ts'
import { PgLogStore } from '../memory/PgLogStore.ts'

/** The PostgreSQL stores of one gateway, on one pool. */
export type PostgresStores = {
  logStore: PgLogStore
  /** The anchoring lane's store, when the gateway runs a lane. */
  anchorStore?: PgAnchorStore
  /** Ends the pool; call after the gateway closed its stores. */
  close(): Promise<void>
}

/**
 * Opens the log store and, with `lane`, the anchoring store of a gateway on the PostgreSQL
 * database at `url`, sharing one pool. A new, empty database is migrated first; one with
 * pending migrations is refused (`tml db migrate --store URL`). The pool is ended when opening
 * fails.
 *
 * @throws {MigrationError} pending or unknown migrations.
 * @throws {StoreError} the database holds another log, or cannot be reached.
 * @example
 * const stores = await openPostgresStores({ url: 'postgres://tml@db/tml', logId, lane: true })
 */
export async function openPostgresStores({
  url,
  logId,
  lane,
  onError,
}: {
  url: string
  logId: Hex
  lane: boolean
  onError?: (error: Error) => void
}): Promise<PostgresStores> {
  // The decision path holds one connection per append in flight; the lane and the readers the rest.
  const pool = createPgPool({ url, max: 16, ...(onError ? { onError } : {}) })
  try {
    const logStore = await PgLogStore.open({ pool, logId, where: redactUrl(url) })
    const anchorStore = lane ? await PgAnchorStore.open({ pool }) : undefined
    return {
      logStore,
      ...(anchorStore ? { anchorStore } : {}),
      close: () => pool.end(),
    }
  } catch (e) {
    await pool.end()
    throw e
  }
}
