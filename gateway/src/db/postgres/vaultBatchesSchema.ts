// The sealed evidence vault's batches on PostgreSQL (migration `0005_vault_batches`), the
// equivalent of the SQLite table `vault_batches`: one `tml-vault/2` envelope per commit batch,
// holding the sealed records of its `seq` range; `vault_records` keeps the one-record envelopes of
// gateways before it. What the database guards, as for `vault_records` (see vaultSchema.ts):
// - Write-once: no UPDATE, DELETE or TRUNCATE (the same trigger function).
// - An epoch's wrapped key is stored before anything sealed under it (foreign key).
// - A batch is its MTLs': at commit, the entries of its first and last `seq` must carry
//   `evidence_seal` equal to SHA-256 of the envelope, and it may not overlap another batch.
// - An MTL carrying `evidence_seal` must, at commit, lie in a batch whose envelope hashes to that
//   seal (or have a `tml-vault/1` record of its own): the check of migration 0003 is replaced.
//   It compares with the seal of the batch's first MTL, which the batch's own check holds to the
//   envelope's SHA-256: one hash per batch, not one per record.
import { VAULT_SEAL_SQLSTATE } from './vaultSchema.ts'

/** DDL of migration `0005_vault_batches`, one statement per element. */
export const VAULT_BATCHES_SCHEMA: readonly string[] = [
  // 49 header bytes and a 16-byte tag at least: anything shorter is not a tml-vault/2 envelope.
  `CREATE TABLE vault_batches (
    first_seq BIGINT PRIMARY KEY CHECK (first_seq >= 0),
    last_seq BIGINT NOT NULL CHECK (last_seq >= first_seq),
    epoch BIGINT NOT NULL REFERENCES vault_epochs (epoch),
    envelope BYTEA NOT NULL CHECK (octet_length(envelope) >= 65)
  )`,
  `CREATE TRIGGER vault_batches_write_once BEFORE UPDATE OR DELETE ON vault_batches
    FOR EACH ROW EXECUTE FUNCTION tml_vault_write_once()`,
  `CREATE TRIGGER vault_batches_no_truncate BEFORE TRUNCATE ON vault_batches
    FOR EACH STATEMENT EXECUTE FUNCTION tml_vault_write_once()`,
  `CREATE FUNCTION tml_vault_batch_matches() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE seal TEXT := '0x' || encode(sha256(NEW.envelope), 'hex');
  BEGIN
    IF EXISTS (SELECT 1 FROM vault_batches WHERE first_seq <> NEW.first_seq
        AND first_seq <= NEW.last_seq AND last_seq >= NEW.first_seq) THEN
      RAISE EXCEPTION 'sealed batch of seqs % to % overlaps another', NEW.first_seq, NEW.last_seq
        USING ERRCODE = '${VAULT_SEAL_SQLSTATE}';
    END IF;
    IF (SELECT mtl::jsonb ->> 'evidence_seal' FROM entries WHERE seq = NEW.first_seq)
        IS DISTINCT FROM seal
      OR (SELECT mtl::jsonb ->> 'evidence_seal' FROM entries WHERE seq = NEW.last_seq)
        IS DISTINCT FROM seal THEN
      RAISE EXCEPTION 'sealed batch of seqs % to % is not the one its MTLs name',
        NEW.first_seq, NEW.last_seq USING ERRCODE = '${VAULT_SEAL_SQLSTATE}';
    END IF;
    RETURN NULL;
  END $$`,
  `CREATE CONSTRAINT TRIGGER vault_batches_match_mtls AFTER INSERT ON vault_batches
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tml_vault_batch_matches()`,
  `CREATE OR REPLACE FUNCTION tml_vault_mtl_has_record() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE seal TEXT := NEW.mtl::jsonb ->> 'evidence_seal';
  BEGIN
    IF seal IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM vault_records WHERE seq = NEW.seq)
      AND NOT EXISTS (SELECT 1 FROM vault_batches b JOIN entries f ON f.seq = b.first_seq
        WHERE b.first_seq <= NEW.seq AND b.last_seq >= NEW.seq
          AND (f.mtl::jsonb ->> 'evidence_seal') = seal) THEN
      RAISE EXCEPTION 'MTL of seq % names a sealed record the transaction did not write', NEW.seq
        USING ERRCODE = '${VAULT_SEAL_SQLSTATE}';
    END IF;
    RETURN NULL;
  END $$`,
]
