import type Database from 'better-sqlite3'

// What migration 0003_vault left open: it refused UPDATE of sealed records only. Nothing in the
// design deletes a vault row (erasure shreds the subject's key in `subject_keys`, and an epoch's
// wrapped shares are what auditors rebuild its key from), so DELETE of a sealed record and any
// change of a wrapped epoch key are refused too, as on PostgreSQL.
const VAULT_WRITE_ONCE = `
CREATE TRIGGER IF NOT EXISTS vault_records_no_delete BEFORE DELETE ON vault_records
  BEGIN SELECT RAISE(ABORT, 'sealed records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS vault_epochs_no_update BEFORE UPDATE ON vault_epochs
  BEGIN SELECT RAISE(ABORT, 'wrapped epoch keys are write-once'); END;
CREATE TRIGGER IF NOT EXISTS vault_epochs_no_delete BEFORE DELETE ON vault_epochs
  BEGIN SELECT RAISE(ABORT, 'wrapped epoch keys are write-once'); END;
`

/**
 * Migration `0004_vault_write_once` of the SQLite store: sealed records refuse DELETE, wrapped
 * epoch keys refuse UPDATE and DELETE (triggers), as the PostgreSQL vault's tables do.
 *
 * @example
 * vaultWriteOnceSchema(db)
 */
export function vaultWriteOnceSchema(db: Database.Database): void {
  db.exec(VAULT_WRITE_ONCE)
}
