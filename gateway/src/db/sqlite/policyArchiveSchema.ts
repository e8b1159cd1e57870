import type Database from 'better-sqlite3'

// Every policy version the gateway ran, by the hash its MTLs carry (`policy_hash`). `document`
// is the RFC 8785 text whose SHA-256 is `hash`; `source` the YAML as written (comments kept),
// null for a policy set. Rows are never changed or removed: an MTL anchored years ago must still
// find the exact thresholds it was decided under.
const POLICY_ARCHIVE_TABLES = `
CREATE TABLE IF NOT EXISTS policy_archive (
  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
  kind TEXT NOT NULL CHECK (kind IN ('profile', 'set')),
  profile TEXT,
  document TEXT NOT NULL,
  source TEXT,
  first_seen_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS policy_archive_no_update BEFORE UPDATE ON policy_archive
  BEGIN SELECT RAISE(ABORT, 'the policy archive is append-only'); END;
CREATE TRIGGER IF NOT EXISTS policy_archive_no_delete BEFORE DELETE ON policy_archive
  BEGIN SELECT RAISE(ABORT, 'the policy archive is append-only'); END;
`

/**
 * Migration `0002_policy_archive` of the SQLite store: the `policy_archive` table (see
 * `SqlitePolicyArchive`), append-only by triggers.
 *
 * @example
 * policyArchiveSchema(db)
 */
export function policyArchiveSchema(db: Database.Database): void {
  db.exec(POLICY_ARCHIVE_TABLES)
}
