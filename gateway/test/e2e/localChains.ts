// Real local chains for the anchoring tests: Hardhat EDR nodes on 127.0.0.1 free ports, the
// registries deployed from the Hardhat artifacts (compiled on first use), one operator and one
// declared log. A switchable HTTP proxy in front of each node lets a test "stop" a chain's RPC
// without losing the chain's state.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const HARDHAT_CLI = join(ROOT, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')
const ARTIFACT = (name: string) =>
  join(ROOT, 'artifacts', 'contracts', `${name}.sol`, `${name}.json`)

/** Well-known Hardhat development keys (funded on every local node; never real keys). */
export const DEV_KEYS = {
  admin: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  operator: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  relayer: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
} as const satisfies Record<string, Hex>

export const LOG_NAME = 'gateway-e2e'

export type LocalChain = {
  name: 'ethereum' | 'polygon'
  chainId: number
  /** The node itself. */
  nodeUrl: string
  /** The proxy the gateway talks to (switch it off with `setDown(true)`). */
  rpcUrl: string
  lantern: Address
  registry: Address
  setDown(down: boolean): void
  /** Makes every other `eth_blockNumber` answer one block behind the receipts (a lagging node). */
  setLagging(lagging: boolean): void
  /** JSON-RPC straight to the node (evm_snapshot, evm_revert, evm_mine…). */
  rpc(method: string, params?: unknown[]): Promise<unknown>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function ensureArtifacts(): void {
  if (existsSync(ARTIFACT('CheckpointRegistry'))) return
  execFileSync(process.execPath, [HARDHAT_CLI, 'build'], {
    cwd: ROOT,
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: 'true' },
    stdio: 'ignore',
  })
}

function artifact(name: string): { abi: Abi; bytecode: Hex } {
  const json = JSON.parse(readFileSync(ARTIFACT(name), 'utf8')) as { abi: Abi; bytecode: Hex }
  return { abi: json.abi, bytecode: json.bytecode }
}

async function rpcCall(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await response.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited (${child.exitCode})`)
    try {
      await rpcCall(url, 'eth_chainId')
      return
    } catch {
      await new Promise((r) => setTimeout(r, 150))
    }
  }
  throw new Error(`hardhat node at ${url} did not start`)
}

// A plain HTTP forwarder: while down, it answers 503 like a failing provider.
async function startProxy(target: string): Promise<{
  url: string
  server: Server
  down: { v: boolean }
  lagging: { v: boolean }
}> {
  const down = { v: false }
  const lagging = { v: false }
  let blockNumberCalls = 0
  const targetUrl = new URL(target)
  const server = createServer((req, res) => {
    if (down.v) {
      req.resume()
      res.writeHead(503).end('rpc down')
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      // A lagging node, as behind a public RPC's load balancer: every other eth_blockNumber is
      // answered by a replica one block behind the one that served the receipts.
      const behind = lagging.v && isBlockNumberCall(body) && blockNumberCalls++ % 2 === 0 ? 1n : 0n
      const upstream = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, 'content-length': String(body.length) },
        },
        (up) => {
          if (behind === 0n) {
            res.writeHead(up.statusCode ?? 502, up.headers)
            up.pipe(res)
            return
          }
          const answer: Buffer[] = []
          up.on('data', (chunk: Buffer) => answer.push(chunk))
          up.on('end', () => {
            const json = JSON.parse(Buffer.concat(answer).toString('utf8')) as { result?: string }
            if (typeof json.result === 'string' && BigInt(json.result) > 0n) {
              json.result = `0x${(BigInt(json.result) - behind).toString(16)}`
            }
            res.writeHead(up.statusCode ?? 502, { 'content-type': 'application/json' })
            res.end(JSON.stringify(json))
          })
        },
      )
      upstream.on('error', () => res.writeHead(502).end())
      upstream.end(body)
    })
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${port}`, server, down, lagging }
}

function isBlockNumberCall(body: Buffer): boolean {
  try {
    return (JSON.parse(body.toString('utf8')) as { method?: unknown }).method === 'eth_blockNumber'
  } catch {
    return false
  }
}

/**
 * Starts one local chain and deploys the registries on it, with the operator registered and the
 * log declared (signer, receipt key commitment keccak256(x ‖ y) of the P-256 key, maximum epoch
 * interval).
 */
export async function startLocalChain({
  name,
  signer,
  receiptKey,
  maxEpochIntervalS,
}: {
  name: 'ethereum' | 'polygon'
  signer: Address
  receiptKey: Hex
  maxEpochIntervalS: number
}): Promise<LocalChain & { logId: Hex }> {
  ensureArtifacts()
  const chainId = name === 'ethereum' ? 31337 : 31338
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [
      HARDHAT_CLI,
      'node',
      '--network',
      `${name}Node`,
      '--hostname',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { cwd: ROOT, env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: 'true' }, stdio: 'ignore' },
  )
  const nodeUrl = `http://127.0.0.1:${port}`
  try {
    await waitReady(nodeUrl, child)
  } catch (e) {
    child.kill('SIGKILL')
    throw e
  }
  const chain = defineChain({
    id: chainId,
    name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [nodeUrl] } },
  })
  const client = createPublicClient({ chain, transport: http(nodeUrl), pollingInterval: 50 })
  const admin = createWalletClient({
    chain,
    transport: http(nodeUrl),
    account: privateKeyToAccount(DEV_KEYS.admin),
  })
  const operator = createWalletClient({
    chain,
    transport: http(nodeUrl),
    account: privateKeyToAccount(DEV_KEYS.operator),
  })
  const lanternArtifact = artifact('LanternRegistry')
  const registryArtifact = artifact('CheckpointRegistry')
  const deploy = async (a: { abi: Abi; bytecode: Hex }, args: unknown[]): Promise<Address> => {
    const hash = await admin.deployContract({ abi: a.abi, bytecode: a.bytecode, args })
    const receipt = await client.waitForTransactionReceipt({ hash })
    if (!receipt.contractAddress) throw new Error('deployment failed')
    return receipt.contractAddress
  }
  const lantern = await deploy(lanternArtifact, [0, admin.account.address])
  const registry = await deploy(registryArtifact, [lantern])
  const send = async (wallet: typeof admin, functionName: string, args: unknown[]) => {
    const hash = await wallet.writeContract({
      address: lantern,
      abi: lanternArtifact.abi,
      functionName,
      args,
    })
    const receipt = await client.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`${functionName} reverted`)
  }
  await send(admin, 'setCheckpointRegistry', [registry])
  await send(operator, 'registerOperator', [
    'https://operator.test/tml.json',
    `0x${'11'.repeat(32)}`,
  ])
  await send(operator, 'declareLog', [LOG_NAME, signer, receiptKey, BigInt(maxEpochIntervalS)])
  const logId = (await client.readContract({
    address: lantern,
    abi: lanternArtifact.abi,
    functionName: 'computeLogId',
    args: [operator.account.address, LOG_NAME, signer, receiptKey, BigInt(maxEpochIntervalS)],
  })) as Hex
  const proxy = await startProxy(nodeUrl)
  return {
    name,
    chainId,
    nodeUrl,
    rpcUrl: proxy.url,
    lantern,
    registry,
    logId,
    setDown: (down) => {
      proxy.down.v = down
    },
    setLagging: (lagging) => {
      proxy.lagging.v = lagging
    },
    rpc: (method, params) => rpcCall(nodeUrl, method, params),
    stop: async () => {
      proxy.server.closeAllConnections()
      await new Promise<void>((resolve) => proxy.server.close(() => resolve()))
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
    },
  }
}
