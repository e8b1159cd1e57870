import { execFile } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

/** A throwaway PostgreSQL cluster for one test process. */
export type PostgresCluster = {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth: no password). */
  url: string
  /** Stops the server (fast shutdown) and removes its directory. Safe to call twice. */
  stop(): Promise<void>
}

/** How to install what is missing; the repository's test runner does it on root machines. */
const INSTALL_HINT =
  "Install Debian's PostgreSQL with `sudo apt-get install -y postgresql` (or run `node scripts/ensure-postgres.mjs` as root), or set PG_BIN to the directory holding initdb and pg_ctl."

/**
 * The directory with initdb/pg_ctl/pg_isready: `PG_BIN` when set, else the highest version under
 * /usr/lib/postgresql (Debian's layout).
 */
export function postgresBinDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const fromEnv = env.PG_BIN
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'initdb'))) {
      throw new Error(`PG_BIN=${fromEnv} holds no initdb. ${INSTALL_HINT}`)
    }
    return fromEnv
  }
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const newest = versions[0]
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL server binaries (initdb, pg_ctl) not found under ${base}. ${INSTALL_HINT}`,
    )
  }
  return join(base, newest, 'bin')
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** initdb refuses to run as root: when we are root, the server runs as the `postgres` user. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  return isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
}

async function runAsServerUser(cmd: string, args: string[]): Promise<void> {
  const [file, argv] = asServerUser(cmd, args)
  try {
    await run(file, argv, { timeout: 60_000 })
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string }
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`)
  }
}

/** Resolves once the server accepts a query, or throws after `timeoutMs` with the last error. */
async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url })
    try {
      await client.connect()
      await client.query('SELECT 1')
      await client.end()
      return
    } catch (error) {
      last = error
      await client.end().catch(() => {})
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  throw new Error(
    `PostgreSQL at ${url} did not accept connections in ${timeoutMs} ms: ${String(last)}`,
  )
}

/**
 * Starts a throwaway PostgreSQL cluster: `initdb` on a fresh temporary directory, `pg_ctl start`
 * on a free port of 127.0.0.1, trust authentication, fsync on (the durability tests mean it).
 * When we run as root (CI does) the server runs as the `postgres` user, which owns the directory.
 *
 * @example
 * const cluster = await startPostgresCluster()
 * after(() => cluster.stop())
 * const url = await createDatabase(cluster.url, 'log_store_test')
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir()
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const dir = mkdtempSync(join(tmpdir(), 'tml-pg-'))
  const dataDir = join(dir, 'data')
  if (isRoot) {
    const owner = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error(
        `we run as root and initdb refuses root, but there is no \`postgres\` user. ${INSTALL_HINT}`,
      )
    })
    const group = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(owner.stdout.trim()), Number(group.stdout.trim()))
    // The temp root must be traversable by the server user.
    chmodSync(dir, 0o700)
  }
  let started = false
  const stop = async (): Promise<void> => {
    if (started) {
      started = false
      await runAsServerUser(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(
        () => {},
      )
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await runAsServerUser(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ])
    const port = await freePort()
    // Sockets go to the cluster's own directory: /var/run/postgresql may not exist or be ours.
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=on -c synchronous_commit=on -c max_connections=200`
    started = true
    await runAsServerUser(join(bin, 'pg_ctl'), [
      'start',
      '-D',
      dataDir,
      '-w',
      '-t',
      '60',
      '-l',
      join(dir, 'server.log'),
      '-o',
      options,
    ])
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    await waitForServer(url, 30_000)
    return { url, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * Creates database `name` on the cluster at `url` (dropping one of that name first) and returns
 * its URL, so that each test file has its own database on one cluster.
 *
 * @example
 * const url = await createDatabase(cluster.url, 'migrations_test')
 */
export async function createDatabase(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`database name "${name}" must be lower-case letters, digits and underscores`)
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const out = new URL(url)
  out.pathname = `/${name}`
  return out.toString()
}
