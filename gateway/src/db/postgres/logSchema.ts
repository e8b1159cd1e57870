// The Always Memory tables on PostgreSQL, the equivalent of the SQLite store's: the log
// (`entries`), the subjects' secrets, the store's identity (`meta`) and the probe row. What
// SQLite's triggers and CHECKs guard is guarded here in the database too, so that no client,
// however wrong, can break the log:
// - `entries` is append-only: UPDATE, DELETE and TRUNCATE raise.
// - `entries` is gap-free: each inserted row must carry `max(seq) + 1` (0 first), checked by a
//   trigger in the inserting transaction. With two writers at once, both may pass the check
//   for the same seq; the primary key then makes the second fail when the first commits (a
//   unique violation), so a gap or a fork never reaches the table.

/** SQLSTATE of the gap check (a class of our own, outside PostgreSQL's). */
export const GAP_SQLSTATE = 'TM001'

/** DDL of the log's tables, one statement per element. */
export const LOG_SCHEMA: readonly string[] = [
  `CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  )`,
  `CREATE TABLE entries (
    seq BIGINT PRIMARY KEY CHECK (seq >= 0),
    trace_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state SMALLINT NOT NULL CHECK (state IN (-1, 0, 1)),
    leaf_hash BYTEA NOT NULL CHECK (octet_length(leaf_hash) = 32),
    mtl TEXT NOT NULL,
    receipt_timestamp TEXT NOT NULL,
    receipt_signature BYTEA NOT NULL CHECK (octet_length(receipt_signature) = 64),
    refers_to TEXT,
    profile TEXT,
    pause_deadline_ms BIGINT
  )`,
  'CREATE INDEX entries_refers_to ON entries (refers_to) WHERE refers_to IS NOT NULL',
  "CREATE INDEX entries_pauses ON entries (seq) WHERE state = 0 AND kind = 'decision'",
  `CREATE FUNCTION tml_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'entries are append-only' USING ERRCODE = 'restrict_violation';
  END $$`,
  `CREATE TRIGGER entries_no_change BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION tml_entries_append_only()`,
  `CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION tml_entries_append_only()`,
  `CREATE FUNCTION tml_entries_gap_free() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE next_seq BIGINT;
  BEGIN
    SELECT coalesce(max(seq) + 1, 0) INTO next_seq FROM entries;
    IF NEW.seq <> next_seq THEN
      RAISE EXCEPTION 'append of seq % where % is next would leave a gap', NEW.seq, next_seq
        USING ERRCODE = '${GAP_SQLSTATE}';
    END IF;
    RETURN NEW;
  END $$`,
  `CREATE TRIGGER entries_gap_free BEFORE INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION tml_entries_gap_free()`,
  `CREATE TABLE subject_keys (
    lookup BYTEA PRIMARY KEY CHECK (octet_length(lookup) = 32),
    secret BYTEA NOT NULL CHECK (octet_length(secret) = 32)
  )`,
  `CREATE TABLE probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at_ms BIGINT NOT NULL
  )`,
]
