// The vault's tables in the log's SQLite file as they are now (migrations 0003_vault,
// 0005_vault_records_lean and 0006_vault_batches; the vault store also creates them when missing,
// so a store opened without migrating still works).
// `vault_batches`: one `tml-vault/2` envelope per commit batch, keyed by its first sealed `seq`,
// written in the batch's own transaction, never changed (an erasure shreds the subject's key, not
// the row). A lookup by trace id or `seq` goes through `entries`, whose trace ids are unique.
// `vault_records`: the `tml-vault/1` envelopes of gateways before it, one per sealed MTL, read only.
// `vault_epochs`: each epoch's data key, only as k-of-n shares wrapped to the custodians.
export const VAULT_TABLES = `
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
