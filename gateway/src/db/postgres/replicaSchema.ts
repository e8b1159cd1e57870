// Leadership of the gateway replicas of one PostgreSQL log (migration `0004_replicas`).
//
// Exactly one replica at a time sequences, signs and anchors: the one holding a session-level
// advisory lock (see src/replica/LeaderElection.ts). The lock alone does not stop a leader that
// lost it without noticing (a paused process, a cut connection) from writing, so the database
// fences every write too:
// - `leader` holds one row: the current term, the leader's advertised URL and the advisory
//   lock's key. A trigger lets only the session holding that advisory lock insert or update it,
//   and only to a higher term; the row is never deleted (without it nothing would be fenced).
// - Every write to the log's and the anchoring lane's tables checks, in a statement trigger,
//   that the transaction's `tml.term` setting (`SET LOCAL tml.term = N`, see `termSql`) equals
//   the row's term, reading the row `FOR SHARE`. A new leader's term update therefore waits for
//   the old leader's writes in flight, and every write after it carries the new term or fails
//   (`TM003`). Before any leader was ever elected (no row), writes are let through: a store used
//   on its own, outside any gateway, keeps working.

/** SQLSTATE of a write refused because another leader has a newer term (our own class). */
export const FENCED_SQLSTATE = 'TM003'

/** SQLSTATE of a term update by a session that does not hold the leader lock, or going back. */
export const NOT_LEADER_SQLSTATE = 'TM004'

/** First key of the two-key advisory lock of leadership ("tmlR"); the second comes from the log id. */
export const LEADER_LOCK_CLASS = 0x746d6c52

/**
 * Tables whose writes are fenced: the log's and the anchoring lane's, and the probe row (so
 * that a deposed leader's log store never looks available again).
 */
export const FENCED_TABLES = [
  'entries',
  'subject_keys',
  'probe',
  'nodes',
  'checkpoint_intents',
  'checkpoints',
  'anchors',
  'ots',
  'receipt_handovers',
] as const

/** DDL of migration `0004_replicas`, one statement per element. */
export const REPLICA_SCHEMA: readonly string[] = [
  `CREATE TABLE leader (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    term BIGINT NOT NULL CHECK (term >= 1),
    lock_key INTEGER NOT NULL CHECK (lock_key >= 0),
    url TEXT,
    holder TEXT NOT NULL,
    since_ms BIGINT NOT NULL
  )`,
  // Only the holder of the advisory lock (LEADER_LOCK_CLASS, lock_key) may take a term, and
  // terms only grow: two processes can never both advance leadership.
  `CREATE FUNCTION tml_leader_claim() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.term <= OLD.term OR NEW.lock_key <> OLD.lock_key) THEN
      RAISE EXCEPTION 'term % cannot follow term %', NEW.term, OLD.term
        USING ERRCODE = '${NOT_LEADER_SQLSTATE}';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND pid = pg_backend_pid() AND granted AND objsubid = 2
        AND classid = ${LEADER_LOCK_CLASS}::oid AND objid = NEW.lock_key::oid) THEN
      RAISE EXCEPTION 'term % refused: this session does not hold the leader lock', NEW.term
        USING ERRCODE = '${NOT_LEADER_SQLSTATE}';
    END IF;
    RETURN NEW;
  END $$`,
  `CREATE TRIGGER leader_claim BEFORE INSERT OR UPDATE ON leader
    FOR EACH ROW EXECUTE FUNCTION tml_leader_claim()`,
  `CREATE FUNCTION tml_leader_kept() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'the leader row is never removed' USING ERRCODE = '${NOT_LEADER_SQLSTATE}';
  END $$`,
  `CREATE TRIGGER leader_no_delete BEFORE DELETE ON leader
    FOR EACH ROW EXECUTE FUNCTION tml_leader_kept()`,
  `CREATE TRIGGER leader_no_truncate BEFORE TRUNCATE ON leader
    FOR EACH STATEMENT EXECUTE FUNCTION tml_leader_kept()`,
  `CREATE FUNCTION tml_fenced() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE current_term BIGINT; claimed TEXT;
  BEGIN
    SELECT term INTO current_term FROM leader WHERE id = 1 FOR SHARE;
    IF NOT FOUND THEN RETURN NULL; END IF;
    claimed := current_setting('tml.term', true);
    IF claimed IS NULL OR claimed = '' OR claimed <> current_term::text THEN
      RAISE EXCEPTION 'write to % fenced: it carries term %, the leader''s term is %',
        TG_TABLE_NAME, coalesce(nullif(claimed, ''), 'none'), current_term
        USING ERRCODE = '${FENCED_SQLSTATE}';
    END IF;
    RETURN NULL;
  END $$`,
  ...FENCED_TABLES.map(
    (table) => `CREATE TRIGGER ${table}_fenced BEFORE INSERT OR UPDATE OR DELETE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION tml_fenced()`,
  ),
]

/**
 * The statement that makes the rest of a transaction carry `term` (checked by the fencing
 * trigger). The term is an integer of ours, never caller input, so it is written inline: the
 * statement joins `BEGIN` in one round trip.
 *
 * @example
 * await client.query(`BEGIN; ${termSql(7)}`)
 */
export function termSql(term: number): string {
  if (!Number.isSafeInteger(term) || term < 1) throw new RangeError(`invalid leader term ${term}`)
  return `SET LOCAL tml.term = '${term}'`
}
