/**
 * The table, in every store's database (SQLite and PostgreSQL), where applied migrations are
 * recorded: umzug's storage, one row per migration name with when it was applied.
 */
export const MIGRATIONS_TABLE = 'schema_migrations'
