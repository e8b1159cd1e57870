// Starts the two local chains of the stack: Hardhat EDR nodes on 127.0.0.1 standing for Ethereum
// (chain 31337, port 8545) and Polygon (chain 31338, port 8546). Runs until Ctrl-C or SIGTERM.
//
//   npm run chains
//   npm run chains -- --ethereum-port 9545 --polygon-port 9546
//
// Prints one line `chains: ready ethereum=<url> polygon=<url>` once both answer JSON-RPC, so
// that scripts and tests can wait for it. Each chain starts empty: deploy with
// `npm run deploy -- ethereumLocal` and `npm run deploy -- polygonLocal`.
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const hardhatCli = join(root, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')
const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 60_000

type Chain = { name: 'ethereum' | 'polygon'; network: string; chainId: number; port: number }

const { values } = parseArgs({
  options: {
    'ethereum-port': { type: 'string', default: process.env.CHAINS_ETHEREUM_PORT ?? '8545' },
    'polygon-port': { type: 'string', default: process.env.CHAINS_POLYGON_PORT ?? '8546' },
  },
})

function port(value: string, option: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`chains: --${option} must be a port number, got "${value}"`)
    process.exit(2)
  }
  return n
}

const chains: Chain[] = [
  {
    name: 'ethereum',
    network: 'ethereumNode',
    chainId: 31337,
    port: port(values['ethereum-port'], 'ethereum-port'),
  },
  {
    name: 'polygon',
    network: 'polygonNode',
    chainId: 31338,
    port: port(values['polygon-port'], 'polygon-port'),
  },
]

const children: ChildProcess[] = []
let stopping = false

function stop(code: number): void {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  // Give the nodes a moment to close their sockets, then leave.
  setTimeout(() => process.exit(code), 500).unref()
}

process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

for (const chain of chains) {
  const child = spawn(
    process.execPath,
    [
      hardhatCli,
      'node',
      '--network',
      chain.network,
      '--hostname',
      HOST,
      '--port',
      String(chain.port),
    ],
    {
      cwd: root,
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const prefix = `[${chain.name}] `
  const forward = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line.trim() !== '') out.write(`${prefix}${line}\n`)
  }
  child.stdout?.on('data', forward(process.stdout))
  child.stderr?.on('data', forward(process.stderr))
  child.on('exit', (code, signal) => {
    if (stopping) return
    console.error(
      `chains: the ${chain.name} node stopped (${signal ?? `exit ${code}`}); stopping the other one`,
    )
    stop(1)
  })
  children.push(child)
}

async function chainIdAt(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    })
    const body = (await response.json()) as { result?: string }
    return typeof body.result === 'string' ? Number(BigInt(body.result)) : undefined
  } catch {
    return undefined
  }
}

async function waitReady(chain: Chain): Promise<string> {
  const url = `http://${HOST}:${chain.port}`
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline && !stopping) {
    const id = await chainIdAt(url)
    if (id === chain.chainId) return url
    if (id !== undefined)
      throw new Error(
        `${url} answers with chain id ${id}, expected ${chain.chainId}: is the port taken?`,
      )
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(
    `the ${chain.name} node did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s`,
  )
}

try {
  const urls = await Promise.all(chains.map(waitReady))
  console.log(`chains: ready ${chains.map((chain, i) => `${chain.name}=${urls[i]}`).join(' ')}`)
  console.log('chains: Ctrl-C stops both')
} catch (error) {
  console.error(`chains: ${error instanceof Error ? error.message : String(error)}`)
  stop(1)
}
