import type Database from 'better-sqlite3'

// The schema as the stores created it before migrations existed (SqliteLogStore's tables, the
// anchoring tables, then the anchoring store's own tables and columns). Every statement is
// idempotent: run on a database from before migrations, it only adds what that database lacks
// (a log that never ran the anchoring lane has no `ots` table yet), which is how such a database
// is brought to migration 1 without touching its data.

// `entries` is the log; triggers make it append-only inside the database too.
const LOG_TABLES = `
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
`
// The anchoring lane's base tables (Merkle nodes, checkpoints, anchors), which the log store
// used to create empty.
const ANCHORING_TABLES = `
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
`
const PROBE_TABLE = `
CREATE TABLE IF NOT EXISTS probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at_ms INTEGER NOT NULL
);
`
// The anchoring lane's tables beside the base ones of ANCHORING_TABLES.
const LANE_TABLES = `
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
`
// Columns the lane added to `anchors` (SQLite has no ADD COLUMN IF NOT EXISTS: checked first).
const ANCHOR_COLUMNS: [string, string][] = [
  ['nonce', 'INTEGER'],
  ['confirmations', 'INTEGER NOT NULL DEFAULT 0'],
  ['attempts', 'INTEGER NOT NULL DEFAULT 0'],
  ['last_error', 'TEXT'],
]

/**
 * Migration 1 of the SQLite store: the log, the subjects' secrets, the probe row and the
 * anchoring lane's tables, exactly as the stores created them before migrations (so a data
 * directory from then is at migration 1 once this ran, idempotently, over it).
 *
 * @example
 * db.transaction(() => initialSchema(db))()
 */
export function initialSchema(db: Database.Database): void {
  db.exec(LOG_TABLES)
  db.exec(ANCHORING_TABLES)
  db.exec(PROBE_TABLE)
  db.exec(LANE_TABLES)
  const have = new Set(
    (db.prepare('PRAGMA table_info(anchors)').all() as { name: string }[]).map((c) => c.name),
  )
  for (const [name, type] of ANCHOR_COLUMNS) {
    if (!have.has(name)) db.exec(`ALTER TABLE anchors ADD COLUMN ${name} ${type}`)
  }
}
