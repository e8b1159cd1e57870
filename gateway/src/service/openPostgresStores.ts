import type { Hex } from '@tml/core'
import { PgAnchorStore } from '../anchoring/PgAnchorStore.ts'
import { createPgPool } from '../db/postgres/createPgPool.ts'
import { redactUrl } from '../db/postgres/redactUrl.ts'
import { PgLogStore } from '../memory/PgLogStore.ts'
import { PgPolicyArchive } from '../policy/PgPolicyArchive.ts'
import type { LeaderFence } from '../replica/LeaderFence.ts'
import { PgVaultStore } from '../vault/PgVaultStore.ts'

/** The PostgreSQL stores of one gateway, on one pool. */
export type PostgresStores = {
  logStore: PgLogStore
  /** The anchoring lane's store, when the gateway runs a lane. */
  anchorStore?: PgAnchorStore
  /** Every policy version the log ran (`policy_archive`). */
  policyArchive: PgPolicyArchive
  /** The sealed evidence vault's tables (used when the gateway runs with custodians). */
  vaultStore: PgVaultStore
  /** Ends the pool; call after the gateway closed its stores. */
  close(): Promise<void>
}

/**
 * Opens the log store and, with `lane`, the anchoring store of a gateway on the PostgreSQL
 * database at `url`, sharing one pool. A new, empty database is migrated first; one with
 * pending migrations is refused (`tml db migrate --store URL`). The pool is ended when opening
 * fails. A replica that leads gives its `fence`: both stores then write under its term, and
 * the database refuses their writes once another replica leads (src/replica/).
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
  fence,
  onError,
}: {
  url: string
  logId: Hex
  lane: boolean
  fence?: LeaderFence
  onError?: (error: Error) => void
}): Promise<PostgresStores> {
  // The decision path holds one connection per append in flight; the lane and the readers the rest.
  const pool = createPgPool({ url, max: 16, ...(onError ? { onError } : {}) })
  try {
    const logStore = await PgLogStore.open({
      pool,
      logId,
      where: redactUrl(url),
      ...(fence ? { fence } : {}),
    })
    const anchorStore = lane
      ? await PgAnchorStore.open({ pool, ...(fence ? { fence } : {}) })
      : undefined
    // The policy archive and the vault read and write the same database on the same pool.
    const policyArchive = await PgPolicyArchive.open({ pool, where: redactUrl(url) })
    const vaultStore = await PgVaultStore.open({ pool, where: redactUrl(url) })
    return {
      logStore,
      ...(anchorStore ? { anchorStore } : {}),
      policyArchive,
      vaultStore,
      close: () => pool.end(),
    }
  } catch (e) {
    await pool.end()
    throw e
  }
}
