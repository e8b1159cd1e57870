/** The apt command that installs PostgreSQL's server binaries. */
export const POSTGRES_INSTALL_HINT: string
/** The directory holding initdb and pg_ctl (PG_BIN, else the newest /usr/lib/postgresql/N/bin), or undefined. */
export function postgresBin(): string | undefined
/** Installs Debian's postgresql with apt when root; false (and a message) when it is missing otherwise. */
export function ensurePostgres(): boolean
