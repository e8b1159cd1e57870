// `npm start`: the whole local stack in one command, in the foreground, until Ctrl-C.
//
//   1. two local chains (Hardhat EDR nodes: "Ethereum" 31337 on :8545, "Polygon" 31338 on :8546)
//   2. both registries deployed to each (addresses in data/deployments/<network>.json)
//   3. the gateway on http://127.0.0.1:8787 (SQLite store and development keys in ./data)
//
// Ports: CHAINS_ETHEREUM_PORT, CHAINS_POLYGON_PORT, TML_PORT. Stop with Ctrl-C: every child stops.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
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
