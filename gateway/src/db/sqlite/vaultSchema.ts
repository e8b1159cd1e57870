import type Database from 'better-sqlite3'
import { VAULT_TABLES } from '../../vault/vaultTables.ts'

/**
 * Migration `0003_vault` of the SQLite store: the sealed evidence vault's tables
 * (`vault_records`, `vault_epochs`; see `SqliteVaultStore`). Created on every store, used only
 * when the vault is on.
 *
 * @example
 * vaultSchema(db)
 */
export function vaultSchema(db: Database.Database): void {
  db.exec(VAULT_TABLES)
}
