// The policy archive on PostgreSQL, the equivalent of the SQLite table (`policy_archive`):
// append-only, guarded in the database as the log's `entries` are.

/** DDL of the policy archive, one statement per element (migration `0002_policy_archive`). */
export const POLICY_ARCHIVE_SCHEMA: readonly string[] = [
  `CREATE TABLE policy_archive (
    hash BYTEA PRIMARY KEY CHECK (octet_length(hash) = 32),
    kind TEXT NOT NULL CHECK (kind IN ('profile', 'set')),
    profile TEXT,
    document TEXT NOT NULL,
    source TEXT,
    first_seen_ms BIGINT NOT NULL
  )`,
  `CREATE FUNCTION policy_archive_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'the policy archive is append-only';
  END $$`,
  `CREATE TRIGGER policy_archive_no_change BEFORE UPDATE OR DELETE ON policy_archive
    FOR EACH ROW EXECUTE FUNCTION policy_archive_immutable()`,
  `CREATE TRIGGER policy_archive_no_truncate BEFORE TRUNCATE ON policy_archive
    FOR EACH STATEMENT EXECUTE FUNCTION policy_archive_immutable()`,
]
