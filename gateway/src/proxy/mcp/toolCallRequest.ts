import type { DecisionRequestBody } from './GatewayClient.ts'

/** Which MCP server a call goes to, as policies read it under `context.mcp`. */
export type ServerIdentity = {
  /** The name policies match (`context.mcp.server`): the operator's `--server-name`, else the server's own `serverInfo.name`. */
  name: string
  /** The server's `serverInfo.version` from the handshake, when it gave one. */
  version?: string
  /** How the proxy reaches it. */
  transport: 'stdio' | 'http'
}

/** One `tools/call` as the client sent it. */
export type ToolCall = { name: string; arguments: Record<string, unknown> }

/** Parameters of {@link toolCallRequest}. */
export type ToolCallRequestParameters = {
  profile: string
  call: ToolCall
  server: ServerIdentity
  /** The MCP client's `clientInfo.name`, when the handshake gave one. */
  client?: string
  /** How long the gateway may hold the answer of a pause (its long poll). */
  waitMs: number
}

/**
 * The decision request of a tool call, in the vocabulary policies use (gateway README, "MCP
 * proxy"): `input.tool.name`, `input.tool.arguments.*`, and `context.mcp.{phase, server,
 * server_version, transport, client}` with phase `call`. No model scores exist for a tool call,
 * so `signals` is empty: the policy's rules decide.
 *
 * @example
 * toolCallRequest({ profile: 'agent_tools', call: { name: 'read_text_file', arguments: { path: '/srv/a' } }, server: { name: 'fs', transport: 'stdio' }, waitMs: 0 })
 * // { profile: 'agent_tools', input: { tool: { name: 'read_text_file', arguments: { path: '/srv/a' } } }, context: { mcp: { phase: 'call', server: 'fs', transport: 'stdio' } }, signals: {} }
 */
export function toolCallRequest(p: ToolCallRequestParameters): DecisionRequestBody {
  return {
    profile: p.profile,
    input: { tool: { name: p.call.name, arguments: p.call.arguments } },
    context: { mcp: { phase: 'call', ...mcpContext(p.server, p.client) } },
    signals: {},
    ...(p.waitMs > 0 ? { wait_ms: p.waitMs } : {}),
  }
}

/** Parameters of {@link toolResultRequest}. */
export type ToolResultRequestParameters = Omit<ToolCallRequestParameters, 'call'> & {
  call: ToolCall
  /** Trace id of the call's decision: the result record names it in its input. */
  callTraceId: string
  /** What the server answered: a `CallToolResult`, or a JSON-RPC error object. */
  output: unknown
  /** True for a tool error (`isError`) or a JSON-RPC error. */
  isError: boolean
}

/**
 * The decision request that logs a forwarded call's result before the client receives it (the
 * output side): `input.tool_result.{call_trace_id, name}` (not `input.tool`, so rules written for
 * calls do not fire again), the result as `output` (the gateway logs only its hash), and
 * `context.mcp.phase: result` with `context.mcp.is_error`.
 *
 * @example
 * toolResultRequest({ profile: 'agent_tools', call, server, callTraceId, output: result, isError: false, waitMs: 0 })
 */
export function toolResultRequest(p: ToolResultRequestParameters): DecisionRequestBody {
  return {
    profile: p.profile,
    input: { tool_result: { call_trace_id: p.callTraceId, name: p.call.name } },
    output: p.output,
    context: { mcp: { phase: 'result', is_error: p.isError, ...mcpContext(p.server, p.client) } },
    signals: {},
    ...(p.waitMs > 0 ? { wait_ms: p.waitMs } : {}),
  }
}

function mcpContext(server: ServerIdentity, client: string | undefined): Record<string, string> {
  return {
    server: server.name,
    ...(server.version === undefined ? {} : { server_version: server.version }),
    transport: server.transport,
    ...(client === undefined ? {} : { client }),
  }
}
