// The vault's tables in the log's SQLite file as they are now (migrations 0003_vault and
// 0005_vault_records_lean; the vault store also creates them when missing, so a store opened
// without migrating still works).
// `vault_records`: one sealed envelope per sealed MTL, written in the MTL's own transaction, never
// changed (an erasure shreds the subject's key, not the row). Keyed by `seq` alone: a lookup by
// trace id goes through `entries`, whose trace ids are unique, so that sealing a record costs the
// commit worker one b-tree insert, not three.
// `vault_epochs`: each epoch's data key, only as k-of-n shares wrapped to the custodians.
export const VAULT_TABLES = `
CREATE TABLE IF NOT EXISTS vault_records (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  trace_id TEXT NOT NULL,
  epoch INTEGER NOT NULL CHECK (epoch >= 1),
  envelope BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS vault_records_no_update BEFORE UPDATE ON vault_records
  BEGIN SELECT RAISE(ABORT, 'sealed records are append-only'); END;
CREATE TABLE IF NOT EXISTS vault_epochs (
  epoch INTEGER PRIMARY KEY CHECK (epoch >= 1),
  opened_ms INTEGER NOT NULL,
  threshold INTEGER NOT NULL CHECK (threshold >= 1),
  shares TEXT NOT NULL
);
`
