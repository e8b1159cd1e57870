import { GatewayUnavailableError } from './McpProxyError.ts'

/** The fields of a decision answer (`POST /v1/decisions`) the proxy acts on. */
export type DecisionReply = {
  trace_id: string
  state: 1 | 0 | -1
  final_state: 1 | 0 | -1
  trigger_type: string
  trigger_detail: string
  logged: boolean
  pause?: { pause_id: string; status: 'pending' | 'resolved'; resolution?: ResolutionReply }
}

/** How a pause ended, as the pause routes answer it. */
export type ResolutionReply = {
  state: 1 | -1
  trace_id: string
  arbiter: { kind: string; id: string }
}

/** The body of a decision request, as the proxy builds it (see `toolCallRequest.ts`). */
export type DecisionRequestBody = {
  profile: string
  input: Record<string, unknown>
  output?: unknown
  context: Record<string, unknown>
  signals: Record<string, never>
  wait_ms?: number
}

/** Parameters of the {@link GatewayClient} constructor. */
export type GatewayClientParameters = {
  /** The gateway's base URL (`http://127.0.0.1:8787`). */
  url: string
  /** An API key of the gateway (sent as `Authorization: Bearer`). */
  apiKey: string
  /** How long a request may take beyond any long poll it asks for. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** Longest long poll the gateway serves (`MAX_WAIT_MS` of its API). */
export const GATEWAY_MAX_WAIT_MS = 120_000

/**
 * The two calls of the gateway's HTTP API the MCP proxy makes: a decision (with an optional long
 * poll of its pause) and the long poll of a pause. Every failure, including an answer without a
 * decision's fields, is a {@link GatewayUnavailableError}: the proxy never guesses a verdict.
 *
 * @example
 * const gateway = new GatewayClient({ url: 'http://127.0.0.1:8787', apiKey })
 * const answer = await gateway.decide({ profile: 'agent_tools', input, context, signals: {} })
 */
export class GatewayClient {
  readonly #base: URL
  readonly #apiKey: string
  readonly #timeoutMs: number
  readonly #fetch: typeof fetch

  constructor(p: GatewayClientParameters) {
    this.#base = new URL(p.url.endsWith('/') ? p.url : `${p.url}/`)
    this.#apiKey = p.apiKey
    this.#timeoutMs = p.timeoutMs ?? 30_000
    this.#fetch = p.fetch ?? fetch
  }

  /** `POST /v1/decisions`; with `wait_ms`, the gateway holds a pause's answer up to that long. */
  async decide(body: DecisionRequestBody, signal?: AbortSignal): Promise<DecisionReply> {
    const answer = await this.#request(
      'v1/decisions',
      { method: 'POST', body: JSON.stringify(body) },
      (body.wait_ms ?? 0) + this.#timeoutMs,
      signal,
    )
    if (!isDecision(answer))
      throw new GatewayUnavailableError('the decision answer lacks trace_id, state or final_state')
    return answer
  }

  /**
   * `GET /v1/pauses/{id}?wait_ms=…`: the resolution once the pause is resolved, or undefined
   * while it is still pending when the wait ends.
   */
  async waitPause(
    pauseId: string,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<ResolutionReply | undefined> {
    const wait = Math.max(0, Math.min(Math.floor(waitMs), GATEWAY_MAX_WAIT_MS))
    const answer = (await this.#request(
      `v1/pauses/${encodeURIComponent(pauseId)}?wait_ms=${wait}`,
      { method: 'GET' },
      wait + this.#timeoutMs,
      signal,
    )) as { status?: unknown; resolution?: unknown }
    if (answer.status === 'pending') return undefined
    if (answer.status === 'resolved' && isResolution(answer.resolution)) return answer.resolution
    // Resolved, but the gateway no longer holds how: the proxy cannot tell approval from refusal.
    throw new GatewayUnavailableError(`pause ${pauseId} is resolved but its resolution is unknown`)
  }

  async #request(
    path: string,
    init: RequestInit,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs)
    let response: Response
    try {
      response = await this.#fetch(new URL(path, this.#base), {
        ...init,
        headers: { authorization: `Bearer ${this.#apiKey}`, 'content-type': 'application/json' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
    } catch (e) {
      const reason =
        timeout.aborted && !signal?.aborted
          ? `no answer within ${timeoutMs} ms`
          : `unreachable at ${this.#base.origin} (${e instanceof Error ? e.message : String(e)})`
      throw new GatewayUnavailableError(reason, { cause: e })
    }
    const text = await response.text().catch(() => '')
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    if (!response.ok) {
      const message = (body as { message?: unknown } | undefined)?.message
      throw new GatewayUnavailableError(
        `HTTP ${response.status}${typeof message === 'string' ? `: ${message}` : ''}`,
        { status: response.status },
      )
    }
    if (body === null || typeof body !== 'object')
      throw new GatewayUnavailableError('the answer is not a JSON object')
    return body
  }
}

function isDecision(v: unknown): v is DecisionReply {
  const d = v as DecisionReply
  return (
    typeof d.trace_id === 'string' &&
    [1, 0, -1].includes(d.state) &&
    [1, 0, -1].includes(d.final_state) &&
    typeof d.trigger_detail === 'string'
  )
}

function isResolution(v: unknown): v is ResolutionReply {
  const r = v as ResolutionReply | undefined
  return r !== undefined && r !== null && (r.state === 1 || r.state === -1)
}
