// A real gateway on 127.0.0.1 with the shipped agent_tools policy (its workspace root moved into
// a temp folder), and `tml mcp-proxy` started through the CLI entry in front of the real
// @modelcontextprotocol/server-filesystem, driven by the SDK's Client.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { privateKeyToAccount } from 'viem/accounts'
import { API_TOKEN, auth, startTestGateway, type TestGateway } from '../../helpers/gateway.ts'
import { tempDir } from '../../helpers/memory.ts'
import { POLICY_DIR } from '../../helpers/policies.ts'

export const TML = fileURLToPath(new URL('../../../bin/tml.mjs', import.meta.url))
/** The filesystem server's entry (its package's bin), run with this Node. */
export const FS_SERVER = fileURLToPath(
  new URL(
    '../../../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
    import.meta.url,
  ),
)
/** Hardhat's well-known development account #4, the shipped policies' reviewer: a PUBLIC test key. */
export const DEV_REVIEWER = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
)
const SHIPPED_ROOT = '/srv/agent/workspace'

/** A gateway on real HTTP, the folder the filesystem server serves, and its workspace inside. */
export type ProxyWorld = {
  t: TestGateway
  url: string
  /** The folder the filesystem server may touch. */
  root: string
  /** The agent's workspace under `root`: the only place the policy lets writes through. */
  workspace: string
  close: () => Promise<void>
}

export async function startWorld(): Promise<ProxyWorld> {
  const root = realpathSync(tempDir('tml-mcp-fs-'))
  const workspace = join(root, 'workspace')
  mkdirSync(workspace)
  const shipped = readFileSync(join(POLICY_DIR, 'agent_tools.yaml'), 'utf8')
  assert.ok(shipped.includes(SHIPPED_ROOT), 'the shipped policy names its workspace root')
  const t = await startTestGateway({
    policies: { 'agent_tools.yaml': shipped.replaceAll(SHIPPED_ROOT, workspace) },
  })
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 })
  return { t, url, root, workspace, close: () => t.close() }
}

/** `tml mcp-proxy` (a child process) in front of the filesystem server on `root`. */
export function proxyTransport({
  gateway,
  root,
  extra = [],
  stderr,
  serverUrl,
}: {
  gateway: string
  root: string
  extra?: string[]
  stderr?: string[]
  /** Reach the server over Streamable HTTP at this URL instead of starting it. */
  serverUrl?: URL
}): StdioClientTransport {
  const server = serverUrl
    ? ['--server-url', serverUrl.href]
    : ['--', process.execPath, FS_SERVER, root]
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [TML, 'mcp-proxy', '--gateway', gateway, '--profile', 'agent_tools', ...extra, ...server],
    env: { ...(process.env as Record<string, string>), TML_API_KEY: API_TOKEN },
    stderr: 'pipe',
  })
  transport.stderr?.on('data', (c: Buffer) => stderr?.push(c.toString()))
  return transport
}

/** An SDK client connected over `transport`. */
export async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'tml-test-agent', version: '1.0.0' })
  await client.connect(transport)
  return client
}

/** Polls the gateway's open pauses until one exists; returns its id. */
export async function nextPause(t: TestGateway, known: Set<string> = new Set()): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const r = await t.app.inject({ url: '/v1/pauses', headers: auth })
    const open = (r.json() as { pauses: { pause_id: string }[] }).pauses.filter(
      (p) => !known.has(p.pause_id),
    )
    if (open[0]) return open[0].pause_id
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('no pause opened')
}

/** The logged MTL of a trace, with its receipt, as the API serves it. */
export async function traceOf(
  t: TestGateway,
  traceId: string,
): Promise<{ mtl: Record<string, unknown>; receipt: { traceId: string; leafHash: string } }> {
  const r = await t.app.inject({ url: `/v1/traces/${traceId}`, headers: auth })
  assert.equal(r.statusCode, 200, r.body)
  return r.json()
}

/** `tml mcp-proxy --listen 0` (a child process) in front of the filesystem server on `root`. */
export type ListeningProxy = {
  child: ChildProcess
  url: URL
  logs: string[]
  stop: () => Promise<void>
}

/** Starts `tml mcp-proxy --listen 0 …` and resolves with its endpoint once it listens. */
export function startListeningProxy({
  gateway,
  root,
  extra = [],
}: {
  gateway: string
  root: string
  extra?: string[]
}): Promise<ListeningProxy> {
  const child = spawn(
    process.execPath,
    [
      TML,
      'mcp-proxy',
      '--gateway',
      gateway,
      '--listen',
      '0',
      ...extra,
      '--',
      process.execPath,
      FS_SERVER,
      root,
    ],
    { env: { ...process.env, TML_API_KEY: API_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const logs: string[] = []
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`proxy did not listen:\n${logs.join('')}`)),
      30_000,
    )
    child.stderr?.on('data', (c: Buffer) => {
      const text = c.toString()
      logs.push(text)
      for (const line of text.split('\n')) {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string }
          if (entry.msg === 'listening' && entry.url) {
            clearTimeout(timer)
            resolve({ child, url: new URL(entry.url), logs, stop })
          }
        } catch {
          // Not the listening line.
        }
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`proxy exited with ${code}:\n${logs.join('')}`))
    })
  })
}
