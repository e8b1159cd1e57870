import type Database from 'better-sqlite3'

// `vault_records` rebuilt without its two secondary indexes: the UNIQUE index on `trace_id` (a
// lookup by trace id goes through `entries`, whose trace ids are unique, to the row of the same
// `seq`) and `vault_records_epoch` (no query reads records by epoch). Each cost the commit worker
// a b-tree insert and WAL bytes per sealed record. SQLite cannot drop a UNIQUE constraint in
// place, hence the copy; DROP TABLE fires no trigger, and the write-once triggers of 0003 and
// 0004 are made again on the new table. The rows are copied as they are.
const LEAN = `
CREATE TABLE vault_records_lean (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  trace_id TEXT NOT NULL,
  epoch INTEGER NOT NULL CHECK (epoch >= 1),
  envelope BLOB NOT NULL
);
INSERT INTO vault_records_lean (seq, trace_id, epoch, envelope)
  SELECT seq, trace_id, epoch, envelope FROM vault_records ORDER BY seq;
DROP TABLE vault_records;
ALTER TABLE vault_records_lean RENAME TO vault_records;
CREATE TRIGGER vault_records_no_update BEFORE UPDATE ON vault_records
  BEGIN SELECT RAISE(ABORT, 'sealed records are append-only'); END;
CREATE TRIGGER vault_records_no_delete BEFORE DELETE ON vault_records
  BEGIN SELECT RAISE(ABORT, 'sealed records are append-only'); END;
`

/**
 * Migration `0005_vault_records_lean` of the SQLite store: `vault_records` keyed by `seq` only
 * (its trace-id and epoch indexes dropped), so that sealing a record adds one row insert to the
 * commit, not three b-tree inserts. Sealed records stay append-only and write-once.
 *
 * @example
 * vaultRecordsLeanSchema(db)
 */
export function vaultRecordsLeanSchema(db: Database.Database): void {
  db.exec(LEAN)
}
