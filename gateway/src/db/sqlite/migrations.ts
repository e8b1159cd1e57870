import type Database from 'better-sqlite3'
import { initialSchema } from './initialSchema.ts'
import { policyArchiveSchema } from './policyArchiveSchema.ts'
import { vaultBatchesSchema } from './vaultBatchesSchema.ts'
import { vaultRecordsLeanSchema } from './vaultRecordsLeanSchema.ts'
import { vaultSchema } from './vaultSchema.ts'
import { vaultWriteOnceSchema } from './vaultWriteOnceSchema.ts'

/** One schema change of the SQLite store: synchronous, like better-sqlite3, run in a transaction. */
export type SqliteMigration = { name: string; up: (db: Database.Database) => void }

/**
 * The SQLite store's migrations, in order. Append only: a released migration is never edited
 * or removed (databases in the field recorded its name); a schema change is a new entry.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  { name: '0001_initial', up: initialSchema },
  { name: '0002_policy_archive', up: policyArchiveSchema },
  { name: '0003_vault', up: vaultSchema },
  { name: '0004_vault_write_once', up: vaultWriteOnceSchema },
  { name: '0005_vault_records_lean', up: vaultRecordsLeanSchema },
  { name: '0006_vault_batches', up: vaultBatchesSchema },
]
