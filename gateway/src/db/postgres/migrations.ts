import type pg from 'pg'
import { ANCHORING_SCHEMA } from './anchoringSchema.ts'
import { LOG_SCHEMA } from './logSchema.ts'
import { POLICY_ARCHIVE_SCHEMA } from './policyArchiveSchema.ts'
import { REPLICA_SCHEMA } from './replicaSchema.ts'
import { VAULT_BATCHES_SCHEMA } from './vaultBatchesSchema.ts'
import { VAULT_SCHEMA } from './vaultSchema.ts'

/**
 * One schema change of the PostgreSQL store, run on one connection inside a transaction that
 * also records it (PostgreSQL's DDL is transactional: a failed migration leaves no trace).
 */
export type PostgresMigration = { name: string; up: (client: pg.ClientBase) => Promise<void> }

/**
 * The PostgreSQL store's migrations, in order. Append only: a released migration is never
 * edited or removed; a schema change is a new entry (and, when SQLite needs it too, one there).
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: '0001_initial',
    up: async (client) => {
      for (const statement of [...LOG_SCHEMA, ...ANCHORING_SCHEMA]) await client.query(statement)
    },
  },
  {
    name: '0002_policy_archive',
    up: async (client) => {
      for (const statement of POLICY_ARCHIVE_SCHEMA) await client.query(statement)
    },
  },
  {
    name: '0003_vault',
    up: async (client) => {
      for (const statement of VAULT_SCHEMA) await client.query(statement)
    },
  },
  {
    name: '0004_replicas',
    up: async (client) => {
      for (const statement of REPLICA_SCHEMA) await client.query(statement)
    },
  },
  {
    name: '0005_vault_batches',
    up: async (client) => {
      for (const statement of VAULT_BATCHES_SCHEMA) await client.query(statement)
    },
  },
]
