import { parseArgs } from 'node:util'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { GatewayClient } from '../proxy/mcp/GatewayClient.ts'
import { McpProxy } from '../proxy/mcp/McpProxy.ts'
import { McpProxyUsageError } from '../proxy/mcp/McpProxyError.ts'
import { serveStreamableHttp } from '../proxy/mcp/serveStreamableHttp.ts'
import { ToolCallGate } from '../proxy/mcp/ToolCallGate.ts'
import { DEFAULT_GATEWAY_URL } from './auditCommand.ts'
import type { CliIo } from './io.ts'

export const MCP_PROXY_HELP = `Usage: tml mcp-proxy [options] -- COMMAND [ARGS...]
       tml mcp-proxy [options] --server-url URL

Sits between an MCP client (an agent, an IDE) and an MCP server. Every tools/call is a decision
of the TML gateway before it reaches the server: +1 forwards it; -1 answers a tool error with the
reason and trace id; 0 (a pause) waits for a reviewer up to --pause-wait, then answers a tool
error naming the pause. A forwarded call's result is logged (its hash) before the client gets
it, with the trace id in the result's _meta ("tml/trace_id"). Everything else (tools/list,
resources, prompts, ping, notifications) passes through unchanged. A gateway that cannot answer
means nothing is forwarded.

The client side is stdio (the MCP client starts this command), or Streamable HTTP with --listen.
The server side is the command after "--" (started over stdio), or --server-url.

Options:
  --gateway URL        The gateway (default ${DEFAULT_GATEWAY_URL}, or TML_GATEWAY_URL).
  --api-key KEY        An API key of that gateway (or TML_API_KEY). \`npm start\` writes one to
                       data/dev-api-key. \`--token\` and TML_API_TOKEN work too.
  --profile P          The policy profile of the calls (default agent_tools).
  --pause-wait SEC     How long a paused call waits for its resolution (default 50: below the
                       60 s request timeout of common MCP clients).
  --server-name NAME   The server's name in decisions (context.mcp.server); default: the name
                       the server gives in its handshake.
  --server-url URL     Reach the MCP server over Streamable HTTP instead of a command.
  --listen PORT        Serve MCP clients over Streamable HTTP on this port (path /mcp), one
                       server connection per client session, instead of stdio.
  --host HOST          Address of --listen (default 127.0.0.1).
  -h, --help           Show this help.

On stdio, stdout belongs to the protocol: the proxy writes its own messages to stderr. The API key
is not passed on to the server command's environment.
`

/** Default of --pause-wait, in seconds. */
const DEFAULT_PAUSE_WAIT_S = 50

/**
 * `tml mcp-proxy`: the MCP tool-call proxy. Resolves with the exit code once the client or the
 * server closed the connection (stdio), or on SIGINT/SIGTERM (--listen).
 *
 * @example
 * process.exitCode = await mcpProxyCommand({ argv: ['--profile', 'agent_tools', '--', 'npx', 'my-mcp-server'], io })
 */
export async function mcpProxyCommand({
  argv,
  io,
  stdin = process.stdin,
  stdout = process.stdout,
}: {
  argv: string[]
  io: CliIo
  /** The client's side on stdio (the process's streams unless a test gives its own). */
  stdin?: NodeJS.ReadableStream & { on(event: 'end', f: () => void): unknown }
  stdout?: NodeJS.WritableStream
}): Promise<number> {
  let options: ReturnType<typeof readOptions>
  try {
    options = readOptions(argv, io.env)
  } catch (e) {
    if (!(e instanceof McpProxyUsageError) && !(e instanceof TypeError)) throw e
    io.err(
      `tml mcp-proxy: ${e instanceof McpProxyUsageError ? e.shortMessage : e.message}\n\n${MCP_PROXY_HELP}`,
    )
    return 2
  }
  if (options === 'help') {
    io.out(MCP_PROXY_HELP)
    return 0
  }
  const gate = new ToolCallGate({
    gateway: new GatewayClient({ url: options.gateway, apiKey: options.apiKey }),
    profile: options.profile,
    pauseWaitMs: options.pauseWaitS * 1000,
  })
  const connectServer = (): Transport =>
    options.serverUrl !== undefined
      ? new StreamableHTTPClientTransport(new URL(options.serverUrl))
      : new StdioClientTransport({
          command: options.command[0] as string,
          args: options.command.slice(1),
          env: serverEnvironment(io.env),
          stderr: 'inherit',
        })
  const common = {
    gate,
    serverTransport: options.serverUrl !== undefined ? ('http' as const) : ('stdio' as const),
    ...(options.serverName === undefined ? {} : { serverName: options.serverName }),
    onError: (e: Error) => io.err(`tml mcp-proxy: ${e.message}\n`),
  }

  if (options.listen !== undefined) {
    const http = await serveStreamableHttp({
      ...common,
      connectServer,
      port: options.listen,
      ...(options.host === undefined ? {} : { host: options.host }),
    })
    io.err(
      `${JSON.stringify({ msg: 'listening', url: http.url.href, profile: options.profile })}\n`,
    )
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await http.close()
    return 0
  }

  const proxy = new McpProxy({
    ...common,
    client: new StdioServerTransport(stdin as never, stdout as never),
    server: connectServer(),
  })
  // The SDK's stdio transport does not report the end of its input: the client went away.
  stdin.on('end', () => void proxy.close())
  try {
    await proxy.start()
  } catch (e) {
    io.err(
      `tml mcp-proxy: cannot reach the MCP server: ${e instanceof Error ? e.message : String(e)}\n`,
    )
    await proxy.close()
    return 1
  }
  await proxy.closed
  return 0
}

function readOptions(argv: string[], env: CliIo['env']) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      gateway: { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      profile: { type: 'string' },
      'pause-wait': { type: 'string' },
      'server-name': { type: 'string' },
      'server-url': { type: 'string' },
      listen: { type: 'string' },
      host: { type: 'string' },
    },
  })
  if (values.help) return 'help' as const
  const gateway = values.gateway ?? env.TML_GATEWAY_URL ?? DEFAULT_GATEWAY_URL
  if (!URL.canParse(gateway) || !/^https?:$/.test(new URL(gateway).protocol))
    throw new McpProxyUsageError(`--gateway is not an http(s) URL: "${gateway}"`)
  const apiKey = values['api-key'] ?? values.token ?? env.TML_API_KEY ?? env.TML_API_TOKEN
  if (apiKey === undefined || apiKey === '')
    throw new McpProxyUsageError('need the gateway API key: --api-key KEY or TML_API_KEY')
  const profile = values.profile ?? 'agent_tools'
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(profile))
    throw new McpProxyUsageError(`--profile is not a profile name: "${profile}"`)
  const pauseWait = values['pause-wait'] ?? String(DEFAULT_PAUSE_WAIT_S)
  if (!/^\d{1,6}$/.test(pauseWait))
    throw new McpProxyUsageError(
      `--pause-wait must be a whole number of seconds, got "${pauseWait}"`,
    )
  const serverUrl = values['server-url']
  if (
    serverUrl !== undefined &&
    (!URL.canParse(serverUrl) || !/^https?:$/.test(new URL(serverUrl).protocol))
  )
    throw new McpProxyUsageError(`--server-url is not an http(s) URL: "${serverUrl}"`)
  if (serverUrl !== undefined && positionals.length > 0)
    throw new McpProxyUsageError(
      'give either --server-url or a server command after "--", not both',
    )
  if (serverUrl === undefined && positionals.length === 0)
    throw new McpProxyUsageError('no MCP server: give its command after "--", or --server-url URL')
  let listen: number | undefined
  if (values.listen !== undefined) {
    if (!/^\d{1,5}$/.test(values.listen) || Number(values.listen) > 65_535)
      throw new McpProxyUsageError(`--listen is not a port number: "${values.listen}"`)
    listen = Number(values.listen)
  }
  return {
    gateway,
    apiKey,
    profile,
    pauseWaitS: Number(pauseWait),
    serverName: values['server-name'],
    serverUrl,
    command: positionals,
    listen,
    host: values.host,
  }
}

/** The server command's environment: the proxy's own, without the gateway's API key. */
function serverEnvironment(env: CliIo['env']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && k !== 'TML_API_KEY' && k !== 'TML_API_TOKEN') out[k] = v
  return out
}
