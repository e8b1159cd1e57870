import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js'
import type { ServerAnswer, ToolCallGate } from './ToolCallGate.ts'
import type { ServerIdentity, ToolCall } from './toolCallRequest.ts'

/** Parameters of the {@link McpProxy} constructor. */
export type McpProxyParameters = {
  /** The side of the MCP client: the proxy is its server. */
  client: Transport
  /** The side of the MCP server: the proxy is its client. */
  server: Transport
  gate: Pick<ToolCallGate, 'admit' | 'release'>
  /** How the proxy reaches the server (`context.mcp.transport`). */
  serverTransport: ServerIdentity['transport']
  /** The server's name for policies; without it, the `serverInfo.name` of the handshake. */
  serverName?: string
  /** Errors of either transport, and messages that could not be delivered. */
  onError?: (error: Error) => void
}

type Forwarded = { call: ToolCall; traceId: string; resolutionTraceId?: string }

/**
 * An MCP proxy between two SDK transports that passes every JSON-RPC message through unchanged
 * (initialize, tools/list, resources, prompts, ping, notifications and the server's own
 * requests, both ways), except `tools/call`: each call is admitted by the gateway before it is
 * forwarded, and its answer is released to the client only once the gateway logged it (see
 * {@link ToolCallGate}). Working at the message level keeps the server's capabilities, ids and
 * `_meta` exactly as the two ends send them. A client's `notifications/cancelled` for a call
 * still being decided drops the call: the server never sees it.
 *
 * @example
 * const proxy = new McpProxy({ client: new StdioServerTransport(), server: new StdioClientTransport({ command, args }), gate, serverTransport: 'stdio' })
 * await proxy.start()
 */
export class McpProxy {
  readonly #client: Transport
  readonly #server: Transport
  readonly #gate: McpProxyParameters['gate']
  readonly #onError: (error: Error) => void
  readonly #identity: ServerIdentity
  /** True when the operator named the server: the handshake's name does not replace it. */
  readonly #fixedName: boolean
  #clientName: string | undefined
  readonly #initializeIds = new Set<RequestId>()
  /** Calls waiting for their decision, by request id: aborted when the client cancels. */
  readonly #admitting = new Map<RequestId, AbortController>()
  readonly #forwarded = new Map<RequestId, Forwarded>()
  /** A forwarded request's progress token → its id, so HTTP progress goes to the call's stream. */
  readonly #progress = new Map<string | number, RequestId>()
  #closed = false
  /** Resolves once either side closed and the other was closed with it. */
  readonly closed: Promise<void>
  #resolveClosed!: () => void

  constructor(p: McpProxyParameters) {
    this.#client = p.client
    this.#server = p.server
    this.#gate = p.gate
    this.#onError = p.onError ?? (() => {})
    this.#identity = { name: p.serverName ?? 'unknown', transport: p.serverTransport }
    this.#fixedName = p.serverName !== undefined
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
  }

  /** Starts both transports (the server's first, so that nothing from the client is lost). */
  async start(): Promise<void> {
    this.#client.onmessage = (m) => this.#fromClient(m)
    this.#server.onmessage = (m) => this.#fromServer(m)
    this.#client.onerror = (e) => this.#onError(e)
    this.#server.onerror = (e) => this.#onError(e)
    this.#client.onclose = () => void this.close()
    this.#server.onclose = () => void this.close()
    await this.#server.start()
    await this.#client.start()
  }

  /** Closes both sides; calls still being decided are dropped. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const c of this.#admitting.values()) c.abort()
    await Promise.allSettled([this.#client.close(), this.#server.close()])
    this.#resolveClosed()
  }

  #fromClient(message: JSONRPCMessage): void {
    if (isJSONRPCRequest(message)) {
      if (message.method === 'tools/call') {
        this.#admit(message).catch((e: unknown) => this.#failed(message.id, e))
        return
      }
      if (message.method === 'initialize') {
        this.#initializeIds.add(message.id)
        const info = (message.params as { clientInfo?: { name?: unknown } } | undefined)?.clientInfo
        if (typeof info?.name === 'string') this.#clientName = info.name
      }
      this.#trackProgress(message)
    } else if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId
      const pending = id === undefined ? undefined : this.#admitting.get(id)
      if (pending) {
        // Never forwarded: the server has nothing to cancel, and the client expects no answer.
        pending.abort()
        return
      }
    }
    this.#send(this.#server, message)
  }

  #fromServer(message: JSONRPCMessage): void {
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const id = message.id
      if (id === undefined) {
        this.#send(this.#client, message)
        return
      }
      if (this.#initializeIds.delete(id) && isJSONRPCResultResponse(message))
        this.#learnServer(message.result)
      if (this.#progress.size > 0) this.#forgetProgress(id)
      const call = this.#forwarded.get(id)
      if (call) {
        this.#forwarded.delete(id)
        const answer: ServerAnswer = isJSONRPCResultResponse(message)
          ? { result: message.result as Record<string, unknown> }
          : { error: message.error }
        this.#release(id, call, answer).catch((e: unknown) => this.#failed(id, e))
        return
      }
      this.#send(this.#client, message)
      return
    }
    // A notification or a request of the server: on HTTP, progress of a call goes to its stream.
    const token = isJSONRPCNotification(message)
      ? (message.params as { progressToken?: string | number } | undefined)?.progressToken
      : undefined
    const related = token === undefined ? undefined : this.#progress.get(token)
    this.#send(this.#client, message, related)
  }

  async #admit(request: JSONRPCRequest): Promise<void> {
    const params = (request.params ?? {}) as { name?: unknown; arguments?: unknown }
    const args = params.arguments === undefined ? {} : params.arguments
    if (
      typeof params.name !== 'string' ||
      args === null ||
      typeof args !== 'object' ||
      Array.isArray(args)
    ) {
      // Decided only as the server would read it: a call the gateway cannot see as a name and
      // an arguments object is answered here, and no server is reached by it.
      this.#send(
        this.#client,
        {
          jsonrpc: '2.0',
          id: request.id,
          error: {
            code: -32602,
            message: 'tools/call: params.name must be a string and params.arguments an object',
          },
        },
        request.id,
      )
      return
    }
    const call: ToolCall = { name: params.name, arguments: args as Record<string, unknown> }
    const controller = new AbortController()
    this.#admitting.set(request.id, controller)
    const admission = await this.#gate.admit({
      call,
      server: this.#identity,
      ...(this.#clientName === undefined ? {} : { client: this.#clientName }),
      signal: controller.signal,
    })
    this.#admitting.delete(request.id)
    if (controller.signal.aborted || this.#closed) return
    if (!admission.forward) {
      return this.#send(
        this.#client,
        { jsonrpc: '2.0', id: request.id, result: admission.result },
        request.id,
      )
    }
    this.#forwarded.set(request.id, {
      call,
      traceId: admission.traceId,
      ...(admission.resolutionTraceId === undefined
        ? {}
        : { resolutionTraceId: admission.resolutionTraceId }),
    })
    this.#trackProgress(request)
    this.#send(this.#server, request)
  }

  async #release(id: RequestId, call: Forwarded, answer: ServerAnswer): Promise<void> {
    const released = await this.#gate.release({
      call: call.call,
      server: this.#identity,
      ...(this.#clientName === undefined ? {} : { client: this.#clientName }),
      traceId: call.traceId,
      ...(call.resolutionTraceId === undefined
        ? {}
        : { resolutionTraceId: call.resolutionTraceId }),
      answer,
    })
    if (this.#closed) return
    const message: JSONRPCMessage =
      'error' in released
        ? { jsonrpc: '2.0', id, error: released.error }
        : { jsonrpc: '2.0', id, result: released.result as JSONRPCResultResult }
    this.#send(this.#client, message, id)
  }

  /** A call the proxy could not handle (a bug, not a verdict): the client gets an error, never the tool. */
  #failed(id: RequestId, e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e))
    this.#onError(error)
    this.#send(
      this.#client,
      { jsonrpc: '2.0', id, error: { code: -32603, message: `tml mcp-proxy: ${error.message}` } },
      id,
    )
  }

  #learnServer(result: unknown): void {
    const info = (result as { serverInfo?: { name?: unknown; version?: unknown } }).serverInfo
    if (!this.#fixedName && typeof info?.name === 'string') this.#identity.name = info.name
    if (typeof info?.version === 'string') this.#identity.version = info.version
  }

  #trackProgress(request: JSONRPCRequest): void {
    const token = (request.params as { _meta?: { progressToken?: string | number } } | undefined)
      ?._meta?.progressToken
    if (token !== undefined) this.#progress.set(token, request.id)
  }

  #forgetProgress(id: RequestId): void {
    for (const [token, of] of this.#progress) if (of === id) this.#progress.delete(token)
  }

  #send(to: Transport, message: JSONRPCMessage, relatedRequestId?: RequestId): void {
    if (this.#closed) return
    to.send(message, relatedRequestId === undefined ? undefined : { relatedRequestId }).catch(
      (e: unknown) => this.#onError(e instanceof Error ? e : new Error(String(e))),
    )
  }
}

type JSONRPCResultResult = Extract<JSONRPCMessage, { result: unknown }>['result']
