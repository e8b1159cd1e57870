// The anchoring lane's tables on PostgreSQL: the equivalent of the SQLite store's `nodes`,
// `checkpoints`, `anchors` (with the lane's columns), `checkpoint_intents`, `ots` and
// `receipt_handovers`. Integers that grow with the log (sizes, indexes, epochs, times in
// milliseconds, block numbers) are BIGINT; hashes and signatures BYTEA with their lengths
// checked, as SQLite's CHECKs do. Used by the first PostgreSQL migration.
//
// Several gateway replicas share these tables, so the evidence rules are the database's, not
// only the code's (two racing writers cannot both succeed, whatever the code does):
// - One intent per epoch, ever: an intent is the checkpoint the sequencer committed to before
//   signing, and it stays after the signature is stored (PostgreSQL's store answers "the intent
//   not signed yet" with a join), so the primary key refuses a second, different one.
// - One checkpoint per epoch (primary key), and it must be its epoch's intent: a composite
//   foreign key to the intent's (epoch, tree size, root, timestamp). So no process can store a
//   checkpoint that differs from what another process committed to sign.
// - Write-once: nodes, intents, checkpoints and receipt handovers refuse UPDATE, DELETE and
//   TRUNCATE (a trigger raises). Anchor and OpenTimestamps rows are state, updated in place.

/** SQLSTATE raised when a write would change evidence (a class of our own, outside PostgreSQL's). */
export const WRITE_ONCE_SQLSTATE = 'TM002'

/** DDL of the anchoring tables, one statement per element, in dependency order. */
export const ANCHORING_SCHEMA: readonly string[] = [
  `CREATE TABLE nodes (
    level INTEGER NOT NULL CHECK (level >= 0),
    idx BIGINT NOT NULL CHECK (idx >= 0),
    hash BYTEA NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, idx)
  )`,
  `CREATE TABLE checkpoint_intents (
    epoch BIGINT PRIMARY KEY CHECK (epoch >= 1),
    tree_size BIGINT NOT NULL CHECK (tree_size >= 0),
    root_hash BYTEA NOT NULL CHECK (octet_length(root_hash) = 32),
    timestamp BIGINT NOT NULL,
    UNIQUE (epoch, tree_size, root_hash, timestamp)
  )`,
  `CREATE TABLE checkpoints (
    epoch BIGINT PRIMARY KEY CHECK (epoch >= 1),
    tree_size BIGINT NOT NULL CHECK (tree_size >= 0),
    root_hash BYTEA NOT NULL CHECK (octet_length(root_hash) = 32),
    timestamp BIGINT NOT NULL,
    signature BYTEA NOT NULL CHECK (octet_length(signature) = 65),
    created_ms BIGINT NOT NULL,
    FOREIGN KEY (epoch, tree_size, root_hash, timestamp)
      REFERENCES checkpoint_intents (epoch, tree_size, root_hash, timestamp)
  )`,
  // firstCheckpointHolding: the first checkpoint whose tree is larger than a sequence number.
  'CREATE INDEX checkpoints_tree_size ON checkpoints (tree_size, epoch)',
  `CREATE TABLE anchors (
    epoch BIGINT NOT NULL REFERENCES checkpoints (epoch),
    chain_id BIGINT NOT NULL,
    registry TEXT NOT NULL,
    tx_hash BYTEA,
    block_number BIGINT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'confirmed', 'skipped')),
    updated_ms BIGINT NOT NULL,
    nonce BIGINT,
    confirmations INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (epoch, chain_id, registry)
  )`,
  'CREATE INDEX anchors_chain ON anchors (chain_id, registry, epoch)',
  `CREATE TABLE ots (
    epoch BIGINT NOT NULL,
    calendar TEXT NOT NULL,
    ots BYTEA NOT NULL,
    complete BOOLEAN NOT NULL,
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (epoch, calendar)
  )`,
  'CREATE INDEX ots_pending ON ots (epoch, calendar) WHERE NOT complete',
  `CREATE TABLE receipt_handovers (
    period INTEGER PRIMARY KEY CHECK (period >= 1),
    from_seq BIGINT NOT NULL CHECK (from_seq >= 0),
    epoch BIGINT NOT NULL CHECK (epoch >= 1)
  )`,
  `CREATE FUNCTION tml_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '% rows are write-once evidence: % refused', TG_TABLE_NAME, TG_OP
      USING ERRCODE = '${WRITE_ONCE_SQLSTATE}';
  END $$`,
  ...['nodes', 'checkpoint_intents', 'checkpoints', 'receipt_handovers'].flatMap((table) => [
    `CREATE TRIGGER ${table}_write_once BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION tml_write_once()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION tml_write_once()`,
  ]),
]
