// Makes sure PostgreSQL's server binaries (initdb, pg_ctl) are present for the PostgreSQL store
// tests, which start a throwaway cluster of their own (gateway/test/helpers/postgresCluster.ts):
// Debian's `postgresql` package, installed with apt when we run as root (CI and the development
// machines do), or a clear message otherwise. Never a download from elsewhere. Installing the
// package also creates the `postgres` user the test clusters run as when we are root.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const POSTGRES_INSTALL_HINT = 'sudo apt-get update && sudo apt-get install -y postgresql'

/** The directory holding initdb and pg_ctl (PG_BIN, else the newest /usr/lib/postgresql/N/bin), or undefined. */
export function postgresBin() {
  if (process.env.PG_BIN)
    return existsSync(join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base)
    .filter(
      (v) =>
        existsSync(join(base, v, 'bin', 'initdb')) && existsSync(join(base, v, 'bin', 'pg_ctl')),
    )
    .sort((a, b) => Number(b) - Number(a))
  return versions.length ? join(base, versions[0], 'bin') : undefined
}

export function ensurePostgres() {
  if (postgresBin()) return true
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    console.error(
      `ensure-postgres: PostgreSQL's initdb/pg_ctl were not found (PG_BIN or /usr/lib/postgresql/N/bin). Install them with\n` +
        `  ${POSTGRES_INSTALL_HINT}\n` +
        'The PostgreSQL store tests fail until then.',
    )
    return false
  }
  console.log('ensure-postgres: installing Debian postgresql (apt-get) …')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'postgresql'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (r.status !== 0) {
      console.error(`ensure-postgres: apt-get ${args.join(' ')} failed (exit ${r.status})`)
      return false
    }
  }
  return postgresBin() !== undefined
}

// `node scripts/ensure-postgres.mjs` on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensurePostgres() ? 0 : 1)
}
