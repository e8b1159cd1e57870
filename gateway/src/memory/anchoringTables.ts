// The tables of the anchoring lane (Merkle nodes, checkpoints, anchors) in their base form. Both
// stores that open a log's database create them, whichever opens the file first, so they are
// defined once here; the lane's own store adds its columns and tables on top.
export const ANCHORING_TABLES = `
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
