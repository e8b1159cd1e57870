// The agent part of `npm run demo`: an AI agent's tool calls through `tml mcp-proxy`, in front of
// the MCP reference filesystem server (@modelcontextprotocol/server-filesystem) on DATA/agent,
// driven by the MCP SDK's client as any agent would be. Under the shipped `agent_tools` profile a
// read passes, a move is refused before the server sees it, and a write outside the agent's
// workspace (/srv/agent/workspace) waits for a person on the reviewer desk.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'

const TML = fileURLToPath(new URL('../gateway/bin/tml.mjs', import.meta.url))
const FS_SERVER = fileURLToPath(
  new URL('../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url),
)

/** One tool call of the demo agent and the state the protocol expects for it. */
type AgentCall = {
  title: string
  tool: string
  arguments: (folder: string) => Record<string, unknown>
  expected: 1 | 0 | -1
  why: string
}

const CALLS: readonly AgentCall[] = [
  {
    title: 'read notes.txt',
    tool: 'read_text_file',
    arguments: (folder) => ({ path: join(folder, 'notes.txt') }),
    expected: 1,
    why: 'reads pass',
  },
  {
    title: 'move notes.txt',
    tool: 'move_file',
    arguments: (folder) => ({
      source: join(folder, 'notes.txt'),
      destination: join(folder, 'gone.txt'),
    }),
    expected: -1,
    why: 'destructive tools are refused; the server never sees the call',
  },
  {
    title: 'write plan.txt',
    tool: 'write_file',
    arguments: (folder) => ({ path: join(folder, 'plan.txt'), content: 'step 1: ask first\n' }),
    expected: 0,
    why: 'a write outside the agent’s workspace waits for a person',
  },
]

/** What {@link agentCalls} shows: a table row per call, and calls whose state was not expected. */
export type AgentCallsReturnType = { rows: string[][]; mismatches: string[] }

type ToolResult = {
  isError?: boolean
  content?: { text?: string }[]
  _meta?: Record<string, unknown>
}

/**
 * Runs the demo agent's calls through `tml mcp-proxy` (a child process, as an MCP client
 * configuration would start it) against the gateway at `gatewayUrl`. The paused write waits
 * `waitS` seconds for the desk (the proxy's `--pause-wait`): approved, the file is written;
 * otherwise the call is not run and the pause stays on the desk until its profile's time-out.
 * Calls `onWait` before the write when it will wait, so the caller can say where to approve it.
 *
 * @example
 * const { rows } = await agentCalls({ gatewayUrl, apiKey, dataDir, waitS: 0 })
 */
export async function agentCalls(p: {
  gatewayUrl: string
  apiKey: string
  dataDir: string
  waitS: number
  onWait?: (waitS: number) => void
}): Promise<AgentCallsReturnType> {
  const folder = join(p.dataDir, 'agent')
  mkdirSync(folder, { recursive: true })
  if (!existsSync(join(folder, 'notes.txt')))
    writeFileSync(join(folder, 'notes.txt'), 'The agent’s notes: nothing secret here.\n')
  const stderr: string[] = []
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      TML,
      'mcp-proxy',
      '--gateway',
      p.gatewayUrl,
      '--profile',
      'agent_tools',
      '--pause-wait',
      String(p.waitS),
      '--',
      process.execPath,
      FS_SERVER,
      folder,
    ],
    // The API key through the environment: never on a command line others can read.
    env: { ...(process.env as Record<string, string>), TML_API_KEY: p.apiKey },
    stderr: 'pipe',
  })
  transport.stderr?.on('data', (c: Buffer) => stderr.push(c.toString()))
  const client = new Client({ name: 'tml-demo-agent', version: '1.0.0' })
  try {
    await client.connect(transport)
  } catch (error) {
    throw new Error(
      `tml mcp-proxy did not start (${(error as Error).message}): ${stderr.join('').slice(-400)}`,
    )
  }
  const rows: string[][] = []
  const mismatches: string[] = []
  try {
    for (const call of CALLS) {
      if (call.expected === 0 && p.waitS > 0) p.onWait?.(p.waitS)
      const result = (await client.callTool(
        { name: call.tool, arguments: call.arguments(folder) },
        undefined,
        // The SDK's own request time-out must outlast the proxy's wait for the desk.
        { timeout: (p.waitS + 60) * 1000 },
      )) as ToolResult
      const state = Number(result._meta?.['tml/state'])
      const traceId = String(result._meta?.['tml/trace_id'] ?? '?')
      // A pause a reviewer resolved while the agent waited ends +1 or -1, with its resolution.
      const resolved = result._meta?.['tml/resolution_trace_id'] !== undefined
      const paused = state === 0 || resolved
      if (call.expected === 0 ? !paused : state !== call.expected || resolved)
        mismatches.push(`agent ${call.tool}: expected ${sign(call.expected)}, got ${sign(state)}`)
      const text = result.content?.[0]?.text ?? ''
      const outcome =
        state === 0
          ? 'not run yet: approve it on the desk (the pause stays open)'
          : resolved
            ? state === 1
              ? 'approved on the desk: written'
              : 'refused on the desk: not run'
            : state === 1
              ? `done: ${text.slice(0, 30).trim()}`
              : 'not run'
      const shown = resolved ? `0 → ${sign(state)}` : sign(state)
      rows.push([call.title, shown, `${call.why}; ${outcome}`, traceId])
    }
  } finally {
    await client.close()
  }
  return { rows, mismatches }
}

const sign = (s: number) => (s === 1 ? '+1' : Number.isNaN(s) ? '?' : String(s))
