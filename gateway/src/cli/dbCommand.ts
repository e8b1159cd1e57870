import { parseArgs } from 'node:util'
import { MigrationError } from '../db/MigrationError.ts'
import { migrate, migrationStatus, type StoreTarget, storeTarget } from '../db/migrate.ts'
import { redactUrl } from '../db/postgres/redactUrl.ts'
import { DataDirLock } from '../service/DataDirLock.ts'
import { DataDirLockedError } from '../service/DataDirLockedError.ts'
import type { CliIo } from './io.ts'

export const DB_HELP = `Usage: tml db migrate|status [--store URL | --data DIR]

The schema of the gateway's store is versioned by migrations (one list for SQLite, one for
PostgreSQL), recorded in the store's schema_migrations table.

migrate   Applies the pending migrations, in order, each in its own transaction. Back the
          store up first. For SQLite, no gateway may run on the data directory (its lock is
          taken); for PostgreSQL, stop or upgrade every gateway on the database first.
status    Lists the applied and the pending migrations; writes nothing.

A gateway migrates a new, empty store by itself at start, and refuses to start on a store
with pending migrations (run "tml db migrate" then).

Options:
  --store URL   A PostgreSQL database (postgres://user@host:port/db; TML_STORE). Without it,
                the SQLite store of the data directory.
  --data DIR    Data directory of the SQLite store, DIR/log.db (default ./data; TML_DATA_DIR).
  -h, --help    Show this help.
`

/**
 * \`tml db\`: applies (\`migrate\`) or lists (\`status\`) the store's schema migrations.
 *
 * @example
 * await dbCommand({ argv: ['migrate', '--store', 'postgres://tml@db/tml'], io: processIo })
 */
export async function dbCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (e) {
    io.err(`tml db: ${(e as Error).message}\n\n${DB_HELP}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(DB_HELP)
    return 0
  }
  const action = positionals[0]
  if (action !== 'migrate' && action !== 'status') {
    io.err(
      `tml db: ${action === undefined ? 'missing action' : `unknown action "${action}"`}\n\n${DB_HELP}`,
    )
    return 2
  }
  const target = storeTarget({
    store: values.store ?? io.env.TML_STORE,
    dataDir: values.data ?? io.env.TML_DATA_DIR ?? './data',
  })
  if (values.store !== undefined && target.kind !== 'postgres') {
    io.err(`tml db: --store must be a postgres:// URL, not "${values.store}"\n`)
    return 2
  }
  const name = describe(target)
  try {
    if (action === 'status') {
      const { applied, pending } = await migrationStatus(target)
      io.out(`store    ${name}\n`)
      for (const m of applied) io.out(`applied  ${m}\n`)
      for (const m of pending) io.out(`pending  ${m}\n`)
      io.out(
        pending.length === 0
          ? 'up to date\n'
          : `${pending.length} pending: run "tml db migrate${flags(target)}"\n`,
      )
      return 0
    }
    // SQLite: the data directory's lock keeps a gateway from writing while the schema changes.
    const lock = target.kind === 'sqlite' ? DataDirLock.acquire({ dir: target.dataDir }) : undefined
    try {
      const applied = await migrate(target)
      io.out(`store    ${name}\n`)
      for (const m of applied) io.out(`applied  ${m}\n`)
      io.out(
        applied.length === 0 ? 'up to date: nothing to apply\n' : `${applied.length} applied\n`,
      )
      return 0
    } finally {
      lock?.release()
    }
  } catch (e) {
    if (e instanceof DataDirLockedError || e instanceof MigrationError) {
      io.err(`tml db ${action}: ${e.shortMessage}\n`)
      return 1
    }
    const code = (e as { code?: unknown }).code
    io.err(
      `tml db ${action}: ${name}: ${(e as Error).message}${typeof code === 'string' ? ` (${code})` : ''}\n`,
    )
    return 1
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      store: { type: 'string' },
      data: { type: 'string' },
    },
    allowPositionals: true,
  })
}

function describe(target: StoreTarget): string {
  return target.kind === 'postgres'
    ? `PostgreSQL ${redactUrl(target.url)}`
    : `SQLite ${target.dataDir}/log.db`
}

function flags(target: StoreTarget): string {
  return target.kind === 'postgres'
    ? ` --store ${redactUrl(target.url)}`
    : ` --data ${target.dataDir}`
}
