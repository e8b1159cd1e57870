import type Database from 'better-sqlite3'

// The vault's tables exactly as migration 0003 created them (a released migration never changes:
// 0005_vault_records_lean reshapes `vault_records` afterwards; `VAULT_TABLES` is the shape now).
const VAULT_TABLES_0003 = `
CREATE TABLE IF NOT EXISTS vault_records (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  trace_id TEXT NOT NULL UNIQUE,
  epoch INTEGER NOT NULL CHECK (epoch >= 1),
  envelope BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS vault_records_epoch ON vault_records (epoch);
CREATE TRIGGER IF NOT EXISTS vault_records_no_update BEFORE UPDATE ON vault_records
  BEGIN SELECT RAISE(ABORT, 'sealed records are append-only'); END;
CREATE TABLE IF NOT EXISTS vault_epochs (
  epoch INTEGER PRIMARY KEY CHECK (epoch >= 1),
  opened_ms INTEGER NOT NULL,
  threshold INTEGER NOT NULL CHECK (threshold >= 1),
  shares TEXT NOT NULL
);
`

/**
 * Migration `0003_vault` of the SQLite store: the sealed evidence vault's tables
 * (`vault_records`, `vault_epochs`; see `SqliteVaultStore`). Created on every store, used only
 * when the vault is on.
 *
 * @example
 * vaultSchema(db)
 */
export function vaultSchema(db: Database.Database): void {
  db.exec(VAULT_TABLES_0003)
}
