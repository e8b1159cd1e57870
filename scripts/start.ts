// `npm start`: the whole local stack in one command, in the foreground, until Ctrl-C.
//
//   1. two local chains (Hardhat EDR nodes: "Ethereum" 31337 on :8545, "Polygon" 31338 on :8546)
//   2. both registries deployed to each (addresses in data/deployments/<network>.json)
//   3. the gateway on http://127.0.0.1:8787 (SQLite store and development keys in ./data)
//
// Ports: CHAINS_ETHEREUM_PORT, CHAINS_POLYGON_PORT, TML_PORT. Stop with Ctrl-C: every child stops.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = process.env.TML_DATA_DIR ?? join(root, 'data')
const deploymentsDir = join(dataDir, 'deployments')
const ethereumPort = process.env.CHAINS_ETHEREUM_PORT ?? '8545'
const polygonPort = process.env.CHAINS_POLYGON_PORT ?? '8546'
const gatewayPort = process.env.TML_PORT ?? '8787'
const env = {
  ...process.env,
  // Hardhat's well-known development account #2 pays for anchors on the local chains.
  TML_RELAYER_KEY:
    process.env.TML_RELAYER_KEY ??
    '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  HARDHAT_DISABLE_TELEMETRY: 'true',
  ETHEREUM_LOCAL_RPC_URL: `http://127.0.0.1:${ethereumPort}`,
  POLYGON_LOCAL_RPC_URL: `http://127.0.0.1:${polygonPort}`,
  DEPLOYMENTS_DIR: deploymentsDir,
}

const children: ChildProcess[] = []
let stopping = false

function stop(code: number): void {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  setTimeout(() => process.exit(code), 800).unref()
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

/**
 * Starts a long-running child with prefixed output; resolves when a line matches `ready`. A
 * `quiet` child shows only its errors (the chains log every JSON-RPC call otherwise).
 */
function startService(name: string, args: string[], ready: RegExp, quiet = false) {
  const timeoutMs = 90_000
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    const timer = setTimeout(
      () => reject(new Error(`${name} did not become ready in ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
    const forward = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue
        if (!quiet || out === process.stderr || ready.test(line)) out.write(`[${name}] ${line}\n`)
        if (ready.test(line)) {
          clearTimeout(timer)
          resolve()
        }
      }
    }
    child.stdout?.on('data', forward(process.stdout))
    child.stderr?.on('data', forward(process.stderr))
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (!stopping) {
        console.error(`start: ${name} stopped (${signal ?? `exit ${code}`}); stopping the stack`)
        stop(1)
      }
      reject(new Error(`${name} exited`))
    })
  })
}

/**
 * Makes `logId` (the demo log declared on chain) the gateway's. The local chains start empty at
 * every `npm start`, so a store kept from an earlier run under another log id is moved aside
 * (never deleted) rather than mixed into the new log.
 */
function adoptLogId(logId: string): void {
  const file = join(dataDir, 'keys', 'log-id')
  const current = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
  if (current === logId) return
  if (existsSync(join(dataDir, 'log.db'))) {
    const archive = join(dataDir, 'archive', `${current ?? 'unknown'}-${Date.now()}`)
    mkdirSync(archive, { recursive: true })
    for (const name of ['log.db', 'log.db-wal', 'log.db-shm']) {
      if (existsSync(join(dataDir, name))) renameSync(join(dataDir, name), join(archive, name))
    }
    console.log(`start: the store of log ${current} moved to ${archive}`)
  }
  writeFileSync(file, `${logId}\n`, { mode: 0o600 })
}

/** Runs a child to completion (Node 22 unless `command` is given). */
function runStep(name: string, args: string[], command = process.execPath) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' })
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${name} failed (exit ${code})`)),
    )
  })
}

try {
  mkdirSync(deploymentsDir, { recursive: true })
  const hardhat = join(root, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')
  if (!existsSync(join(root, 'core', 'dist', 'index.js'))) {
    console.log('start: building core and the contracts (first run) …')
    await runStep('build', ['run', 'build'], 'npm')
  }
  console.log('start: starting the two local chains …')
  await startService(
    'chains',
    [
      join(root, 'scripts', 'chains.ts'),
      '--ethereum-port',
      ethereumPort,
      '--polygon-port',
      polygonPort,
    ],
    /chains: ready/,
    true,
  )
  for (const network of ['ethereumLocal', 'polygonLocal']) {
    console.log(`start: deploying the registries to ${network} …`)
    await runStep(`deploy ${network}`, [hardhat, 'run', 'scripts/deploy.ts', '--network', network])
  }
  // The gateway's keys, then the demo operator and its log on both chains (same log id on both).
  const keysDir = join(dataDir, 'keys')
  const tml = join(root, 'gateway', 'bin', 'tml.mjs')
  await runStep('keys', [tml, 'keys', 'generate', '--keys', keysDir])
  console.log('start: registering the demo operator, its log and its Lantern …')
  const rpc = [
    `ethereumLocal=${env.ETHEREUM_LOCAL_RPC_URL}`,
    `polygonLocal=${env.POLYGON_LOCAL_RPC_URL}`,
  ]
  const setup = spawnSync(
    process.execPath,
    [
      join(root, 'scripts', 'setupDemo.ts'),
      '--deployments',
      deploymentsDir,
      '--keys',
      keysDir,
      ...rpc.flatMap((r) => ['--rpc', r]),
    ],
    { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  )
  if (setup.status !== 0)
    throw new Error(`setting up the demo operator failed (exit ${setup.status})`)
  const lines = setup.stdout.trim().split('\n')
  for (const line of lines.slice(0, -1)) console.log(line)
  const logId = lines.at(-1) as string
  adoptLogId(logId)
  console.log('start: starting the gateway …')
  await startService(
    'gateway',
    [
      join(root, 'gateway', 'bin', 'tml.mjs'),
      'gateway',
      'start',
      '--port',
      gatewayPort,
      '--data',
      dataDir,
      '--deployments',
      deploymentsDir,
      ...rpc.flatMap((r) => ['--chain', r]),
    ],
    /"msg":"listening"/,
  )
  console.log(
    [
      '',
      'TML Anchor local stack is up:',
      `  Ethereum (local, chain 31337)  http://127.0.0.1:${ethereumPort}`,
      `  Polygon  (local, chain 31338)  http://127.0.0.1:${polygonPort}`,
      `  deployments                    ${deploymentsDir}`,
      `  demo log (operator: dev account #1, Lantern lit by dev account #3)  ${logId}`,
      `  gateway                        http://127.0.0.1:${gatewayPort} (OpenAPI: /openapi.json)`,
      `  gateway data and dev keys      ${dataDir} (API keys: ${join(dataDir, 'keys', 'api-keys')})`,
      "The chains run with Hardhat's well-known development accounts: never use their keys elsewhere.",
      'Press Ctrl-C to stop.',
    ].join('\n'),
  )
} catch (error) {
  console.error(`start: ${(error as Error).message}`)
  stop(1)
}
