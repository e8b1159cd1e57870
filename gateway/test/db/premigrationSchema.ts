// The SQLite schema exactly as the stores created it before migrations existed (the gateway
// of the previous release): the fixture for "an existing data directory keeps working".

/** SqliteLogStore's schema then (meta with schema_version 1, the log, empty anchoring tables). */
export const PREMIGRATION_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  trace_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  state INTEGER NOT NULL CHECK (state IN (-1, 0, 1)),
  leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
  mtl TEXT NOT NULL,
  receipt_timestamp TEXT NOT NULL,
  receipt_signature BLOB NOT NULL CHECK (length(receipt_signature) = 64),
  refers_to TEXT,
  profile TEXT,
  pause_deadline_ms INTEGER
);
CREATE INDEX IF NOT EXISTS entries_refers_to ON entries (refers_to) WHERE refers_to IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_pauses ON entries (seq) WHERE state = 0 AND kind = 'decision';
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
CREATE TABLE IF NOT EXISTS subject_keys (
  lookup BLOB PRIMARY KEY CHECK (length(lookup) = 32),
  secret BLOB NOT NULL CHECK (length(secret) = 32)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nodes (
  level INTEGER NOT NULL CHECK (level >= 0),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  epoch INTEGER PRIMARY KEY CHECK (epoch >= 1),
  tree_size INTEGER NOT NULL CHECK (tree_size >= 0),
  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
  timestamp INTEGER NOT NULL,
  signature BLOB NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS anchors (
  epoch INTEGER NOT NULL REFERENCES checkpoints (epoch),
  chain_id INTEGER NOT NULL,
  registry TEXT NOT NULL,
  tx_hash BLOB,
  block_number INTEGER,
  status TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (epoch, chain_id, registry)
);
CREATE TABLE IF NOT EXISTS probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at_ms INTEGER NOT NULL
);
`

/** What SqliteAnchorStore added then when the anchoring lane ran. */
export const PREMIGRATION_LANE_SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoint_intents (
  epoch INTEGER PRIMARY KEY CHECK (epoch >= 1),
  tree_size INTEGER NOT NULL,
  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
  timestamp INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ots (
  epoch INTEGER NOT NULL,
  calendar TEXT NOT NULL,
  ots BLOB NOT NULL,
  complete INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (epoch, calendar)
);
CREATE TABLE IF NOT EXISTS receipt_handovers (
  period INTEGER PRIMARY KEY CHECK (period >= 1),
  from_seq INTEGER NOT NULL CHECK (from_seq >= 0),
  epoch INTEGER NOT NULL CHECK (epoch >= 1)
);
ALTER TABLE anchors ADD COLUMN nonce INTEGER;
ALTER TABLE anchors ADD COLUMN confirmations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE anchors ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE anchors ADD COLUMN last_error TEXT;
`
