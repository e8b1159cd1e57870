// The sealed evidence vault on PostgreSQL (migration `0003_vault`), the equivalent of the SQLite
// tables `vault_epochs` and `vault_records` (see src/vault/vaultTables.ts), with what the SQLite
// store leaves to its single writer guarded in the database:
// - Write-once: neither table takes UPDATE, DELETE or TRUNCATE (a trigger raises). Erasing a
//   subject shreds the subject's key in `subject_keys` (the log's table), never a vault row, and
//   an epoch's wrapped shares are what auditors rebuild its key from.
// - An epoch's wrapped key is stored before anything sealed under it: a record's epoch is a
//   foreign key to `vault_epochs`.
// - A sealed record belongs to an MTL, and that MTL names it: a trigger deferred to the commit
//   checks, in the transaction that wrote them, that the entry of the record's `seq` exists and
//   that its trace id and `evidence_seal` are this row's (SHA-256 of the envelope). (No foreign
//   key to `entries`: it would add nothing to this check, and `entries` refuses DELETE anyway.) Another deferred trigger, on `entries`, refuses to commit an MTL carrying an
//   `evidence_seal` without its sealed record. So an MTL with a seal and its envelope commit
//   together or not at all, whichever client writes them. (Migration `0005_vault_batches`
//   replaces that last check for envelopes of whole batches: see vaultBatchesSchema.ts.)

import { EVIDENCE_SEAL_KEY } from '../../vault/evidenceSealKey.ts'

/** SQLSTATE of a sealed record that does not match its MTL, or an MTL without its record. */
export const VAULT_SEAL_SQLSTATE = 'TM005'

/** DDL of migration `0003_vault`, one statement per element. */
export const VAULT_SCHEMA: readonly string[] = [
  `CREATE TABLE vault_epochs (
    epoch BIGINT PRIMARY KEY CHECK (epoch >= 1),
    opened_ms BIGINT NOT NULL,
    threshold INTEGER NOT NULL CHECK (threshold >= 1),
    shares TEXT NOT NULL
  )`,
  // 33 header bytes and a 16-byte tag at least: anything shorter is not a tml-vault/1 envelope.
  `CREATE TABLE vault_records (
    seq BIGINT PRIMARY KEY CHECK (seq >= 0),
    trace_id TEXT NOT NULL UNIQUE,
    epoch BIGINT NOT NULL REFERENCES vault_epochs (epoch),
    envelope BYTEA NOT NULL CHECK (octet_length(envelope) >= 49)
  )`,
  'CREATE INDEX vault_records_epoch ON vault_records (epoch)',
  `CREATE FUNCTION tml_vault_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '% rows are sealed evidence, write-once: % refused', TG_TABLE_NAME, TG_OP
      USING ERRCODE = 'restrict_violation';
  END $$`,
  ...['vault_epochs', 'vault_records'].flatMap((table) => [
    `CREATE TRIGGER ${table}_write_once BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION tml_vault_write_once()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION tml_vault_write_once()`,
  ]),
  `CREATE FUNCTION tml_vault_record_matches() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE e RECORD;
  BEGIN
    SELECT trace_id, mtl INTO e FROM entries WHERE seq = NEW.seq;
    IF e.trace_id IS DISTINCT FROM NEW.trace_id
      OR (e.mtl::jsonb ->> 'evidence_seal') IS DISTINCT FROM
        '0x' || encode(sha256(NEW.envelope), 'hex') THEN
      RAISE EXCEPTION 'sealed record of seq % is not the one its MTL names', NEW.seq
        USING ERRCODE = '${VAULT_SEAL_SQLSTATE}';
    END IF;
    RETURN NULL;
  END $$`,
  `CREATE CONSTRAINT TRIGGER vault_records_match_mtl AFTER INSERT ON vault_records
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tml_vault_record_matches()`,
  `CREATE FUNCTION tml_vault_mtl_has_record() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF (NEW.mtl::jsonb ->> 'evidence_seal') IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM vault_records WHERE seq = NEW.seq) THEN
      RAISE EXCEPTION 'MTL of seq % names a sealed record the transaction did not write', NEW.seq
        USING ERRCODE = '${VAULT_SEAL_SQLSTATE}';
    END IF;
    RETURN NULL;
  END $$`,
  // Only MTLs whose text holds the key pay for the check (parsed then, to be sure it is the
  // top-level field): a log without the vault writes as before.
  `CREATE CONSTRAINT TRIGGER entries_sealed_have_record AFTER INSERT ON entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (position('${EVIDENCE_SEAL_KEY}' in NEW.mtl) > 0)
    EXECUTE FUNCTION tml_vault_mtl_has_record()`,
]
