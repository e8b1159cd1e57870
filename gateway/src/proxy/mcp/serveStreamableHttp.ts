import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { McpProxy, type McpProxyParameters } from './McpProxy.ts'

/** Parameters of {@link serveStreamableHttp}. */
export type ServeStreamableHttpParameters = Omit<McpProxyParameters, 'client' | 'server'> & {
  /** A new connection to the MCP server, one per client session. */
  connectServer: () => Transport
  port: number
  /** Address to listen on; 127.0.0.1 unless the operator chooses otherwise. */
  host?: string
  /** The endpoint's path (`/mcp`). */
  path?: string
}

/** A running Streamable HTTP endpoint of the proxy. */
export type StreamableHttpProxy = {
  server: Server
  /** The endpoint clients connect to (`http://127.0.0.1:PORT/mcp`). */
  url: URL
  /** Open sessions, by `mcp-session-id`. */
  sessions: ReadonlyMap<string, { proxy: McpProxy }>
  close: () => Promise<void>
}

/**
 * The client side of the MCP proxy over Streamable HTTP: every session the SDK's
 * `StreamableHTTPServerTransport` opens (an `initialize` POST without a session id) gets its own
 * connection to the server and its own {@link McpProxy}; later requests find their session by
 * the `mcp-session-id` header, and a DELETE or a closed server ends it.
 *
 * @example
 * const http = await serveStreamableHttp({ connectServer: () => new StdioClientTransport({ command, args }), gate, serverTransport: 'stdio', port: 8790 })
 */
export async function serveStreamableHttp(
  p: ServeStreamableHttpParameters,
): Promise<StreamableHttpProxy> {
  const path = p.path ?? '/mcp'
  type Session = { proxy: McpProxy; transport: StreamableHTTPServerTransport }
  const sessions = new Map<string, Session>()

  const open = async (): Promise<StreamableHTTPServerTransport> => {
    // The session is registered as the transport takes the initialize request, before any
    // answer leaves, so that the client's next request finds it.
    const session = {} as Session
    session.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, session)
      },
    })
    session.proxy = new McpProxy({ ...p, client: session.transport, server: p.connectServer() })
    void session.proxy.closed.then(() => {
      if (session.transport.sessionId !== undefined) sessions.delete(session.transport.sessionId)
    })
    await session.proxy.start()
    return session.transport
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== path) return reply(res, 404, `no MCP endpoint at ${url.pathname}`)
    const sessionId = req.headers['mcp-session-id']
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId)
      if (!session) return reply(res, 404, `no session ${sessionId}`)
      return session.transport.handleRequest(req, res)
    }
    if (req.method !== 'POST') return reply(res, 400, 'no mcp-session-id: initialize first')
    const transport = await open()
    await transport.handleRequest(req, res)
    // Not an initialize request: the transport answered the error; nothing to keep.
    if (transport.sessionId === undefined) await transport.close()
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      p.onError?.(e instanceof Error ? e : new Error(String(e)))
      if (!res.headersSent) reply(res, 500, 'internal error')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(p.port, p.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    server,
    url: new URL(`http://${host}:${address.port}${path}`),
    sessions,
    close: async () => {
      await Promise.allSettled([...sessions.values()].map((s) => s.proxy.close()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }))
}
