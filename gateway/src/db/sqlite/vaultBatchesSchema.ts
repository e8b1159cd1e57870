import type Database from 'better-sqlite3'

// `vault_batches` as migration 0006 creates it (a released migration never changes; the vault
// store's `VAULT_TABLES` is the shape now): one `tml-vault/2` envelope per commit batch, keyed by
// its first sealed `seq`, written in the batch's own transaction and never changed. Records sealed
// before it stay in `vault_records`, one envelope each.
const VAULT_BATCHES_0006 = `
CREATE TABLE IF NOT EXISTS vault_batches (
  first_seq INTEGER PRIMARY KEY CHECK (first_seq >= 0),
  last_seq INTEGER NOT NULL CHECK (last_seq >= first_seq),
  epoch INTEGER NOT NULL CHECK (epoch >= 1),
  envelope BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS vault_batches_no_update BEFORE UPDATE ON vault_batches
  BEGIN SELECT RAISE(ABORT, 'sealed records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS vault_batches_no_delete BEFORE DELETE ON vault_batches
  BEGIN SELECT RAISE(ABORT, 'sealed records are append-only'); END;
`

/**
 * Migration `0006_vault_batches` of the SQLite store: the table of `tml-vault/2` envelopes, one per
 * commit batch (see `sealEvidenceBatch`), append-only like `vault_records`.
 *
 * @example
 * vaultBatchesSchema(db)
 */
export function vaultBatchesSchema(db: Database.Database): void {
  db.exec(VAULT_BATCHES_0006)
}
