import {
  type DecisionReply,
  type DecisionRequestBody,
  GATEWAY_MAX_WAIT_MS,
  type GatewayClient,
} from './GatewayClient.ts'
import { GatewayUnavailableError } from './McpProxyError.ts'
import {
  type ServerIdentity,
  type ToolCall,
  toolCallRequest,
  toolResultRequest,
} from './toolCallRequest.ts'

/** The `_meta` key of the decision's trace id on every result the client receives. */
export const TRACE_ID_META = 'tml/trace_id'
/** The `_meta` key of the result record's trace id (the output-side decision). */
export const RESULT_TRACE_ID_META = 'tml/result_trace_id'
/** The `_meta` key of the trace id of a pause's resolution (reviewer, hook or timeout). */
export const RESOLUTION_TRACE_ID_META = 'tml/resolution_trace_id'
/** The `_meta` key of the state in effect: 1 forwarded, 0 paused (not run), -1 refused. */
export const STATE_META = 'tml/state'

/** A `CallToolResult` as the proxy builds or passes it on. */
export type ToolResult = {
  content: { type: 'text'; text: string }[] | unknown[]
  isError?: boolean
  _meta?: Record<string, unknown>
  [key: string]: unknown
}

/** The verdict on a call: forward it, or answer the client with this tool error. */
export type Admission =
  | { forward: true; traceId: string; resolutionTraceId?: string }
  | { forward: false; result: ToolResult }

/** What the server answered to a forwarded call: a result, or a JSON-RPC error. */
export type ServerAnswer =
  | { result: Record<string, unknown> }
  | { error: { code: number; message: string; data?: unknown } }

/** Parameters of the {@link ToolCallGate} constructor. */
export type ToolCallGateParameters = {
  gateway: Pick<GatewayClient, 'decide' | 'waitPause'>
  /** The policy profile every call is decided under. */
  profile: string
  /** How long a paused call waits for its resolution before the client gets a tool error. */
  pauseWaitMs: number
  clock?: () => number
}

type Settled =
  | { state: 1 | -1; answer: DecisionReply; detail: string; resolutionTraceId?: string }
  | { state: 0; answer: DecisionReply }

/**
 * The decisions of the MCP proxy. Before a `tools/call` reaches the server, {@link admit} asks
 * the gateway: +1 forwards; -1 answers a tool error with the reason and trace id; 0 waits for
 * the pause's resolution up to `pauseWaitMs` (a reviewer's approval forwards, a refusal or the
 * end of the wait answers a tool error naming the pause). After the server answered,
 * {@link release} logs the result as the output-side decision, and the client receives it only
 * once that record is durable, with the trace ids in `_meta`. A gateway that cannot answer
 * means no forward and no release: no call and no result without its record.
 *
 * Spec: Sacred Pause Protocol §3.2 (the gateway in the path), §6.2 (pause lifecycle).
 *
 * @example
 * const gate = new ToolCallGate({ gateway, profile: 'agent_tools', pauseWaitMs: 50_000 })
 * const admission = await gate.admit({ call, server })
 * if (admission.forward) forward(request); else reply(admission.result)
 */
export class ToolCallGate {
  readonly #gateway: ToolCallGateParameters['gateway']
  readonly #profile: string
  readonly #pauseWaitMs: number
  readonly #clock: () => number

  constructor(p: ToolCallGateParameters) {
    this.#gateway = p.gateway
    this.#profile = p.profile
    this.#pauseWaitMs = p.pauseWaitMs
    this.#clock = p.clock ?? Date.now
  }

  /** Decides one call; never throws (a gateway failure is a tool error, nothing forwarded). */
  async admit(p: {
    call: ToolCall
    server: ServerIdentity
    client?: string
    signal?: AbortSignal
  }): Promise<Admission> {
    const body = (waitMs: number) =>
      toolCallRequest({
        profile: this.#profile,
        call: p.call,
        server: p.server,
        ...(p.client === undefined ? {} : { client: p.client }),
        waitMs,
      })
    let settled: Settled
    try {
      settled = await this.#settle(body, p.signal)
    } catch (e) {
      return { forward: false, result: unavailable(e, 'the tool call was not run') }
    }
    const traceId = settled.answer.trace_id
    if (settled.state === 1)
      return {
        forward: true,
        traceId,
        ...(settled.resolutionTraceId === undefined
          ? {}
          : { resolutionTraceId: settled.resolutionTraceId }),
      }
    if (settled.state === 0)
      return {
        forward: false,
        result: toolError(
          `TML paused this tool call for a reviewer (${settled.answer.trigger_detail}); it was not resolved within ${Math.round(this.#pauseWaitMs / 1000)} s, so the call was not run. Pause trace id: ${traceId}.`,
          { [TRACE_ID_META]: traceId, [STATE_META]: 0 },
        ),
      }
    return {
      forward: false,
      result: toolError(`${settled.detail} Trace id: ${traceId}.`, {
        [TRACE_ID_META]: traceId,
        [STATE_META]: -1,
        ...(settled.resolutionTraceId === undefined
          ? {}
          : { [RESOLUTION_TRACE_ID_META]: settled.resolutionTraceId }),
      }),
    }
  }

  /**
   * Logs a forwarded call's answer and returns what the client receives: the server's answer
   * with the trace ids in `_meta` once its record is durable, otherwise a tool error (the tool
   * ran, but its result is withheld). Never throws.
   */
  async release(p: {
    call: ToolCall
    server: ServerIdentity
    client?: string
    traceId: string
    /** The resolution that approved the call, when it was paused. */
    resolutionTraceId?: string
    answer: ServerAnswer
    signal?: AbortSignal
  }): Promise<ServerAnswer> {
    const isError = 'error' in p.answer || p.answer.result.isError === true
    const body = (waitMs: number) =>
      toolResultRequest({
        profile: this.#profile,
        call: p.call,
        server: p.server,
        ...(p.client === undefined ? {} : { client: p.client }),
        callTraceId: p.traceId,
        output: 'error' in p.answer ? { error: p.answer.error } : p.answer.result,
        isError,
        waitMs,
      })
    const meta: Record<string, unknown> = {
      [TRACE_ID_META]: p.traceId,
      ...(p.resolutionTraceId === undefined
        ? {}
        : { [RESOLUTION_TRACE_ID_META]: p.resolutionTraceId }),
    }
    let settled: Settled
    try {
      settled = await this.#settle(body, p.signal)
    } catch (e) {
      return { result: unavailable(e, 'the tool ran but its result is withheld', meta) }
    }
    const resultTraceId = settled.answer.trace_id
    if (settled.state !== 1) {
      const why =
        settled.state === 0
          ? `its result was paused for a reviewer and not resolved in time (pause trace id ${resultTraceId})`
          : `${settled.detail} (result trace id ${resultTraceId})`
      return {
        result: toolError(`The tool ran, but TML withheld its result: ${why}.`, {
          ...meta,
          [RESULT_TRACE_ID_META]: resultTraceId,
          [STATE_META]: settled.state,
        }),
      }
    }
    if ('error' in p.answer) return p.answer
    return {
      result: {
        ...p.answer.result,
        _meta: {
          ...(isRecord(p.answer.result._meta) ? p.answer.result._meta : {}),
          ...meta,
          [RESULT_TRACE_ID_META]: resultTraceId,
          [STATE_META]: 1,
        },
      },
    }
  }

  /** Asks for a decision and, on a pause, waits for its resolution up to the pause wait. */
  async #settle(
    body: (waitMs: number) => DecisionRequestBody,
    signal: AbortSignal | undefined,
  ): Promise<Settled> {
    const deadline = this.#clock() + this.#pauseWaitMs
    const answer = await this.#gateway.decide(
      body(Math.min(this.#pauseWaitMs, GATEWAY_MAX_WAIT_MS)),
      signal,
    )
    if (answer.state === 1) return { state: 1, answer, detail: answer.trigger_detail }
    if (answer.state === -1)
      return {
        state: -1,
        answer,
        detail: `TML refused this tool call (${answer.trigger_type}): ${answer.trigger_detail}.`,
      }
    if (answer.pause === undefined)
      throw new GatewayUnavailableError('a paused decision came without its pause')
    // A pause: resolved while the gateway held the answer, or long-polled until the deadline.
    const pauseId = answer.pause.pause_id
    let resolution = answer.pause.resolution
    while (resolution === undefined) {
      const left = deadline - this.#clock()
      if (left <= 0) break
      resolution = await this.#gateway.waitPause(pauseId, left, signal)
    }
    if (resolution === undefined) return { state: 0, answer }
    if (resolution.state === 1)
      return { state: 1, answer, detail: '', resolutionTraceId: resolution.trace_id }
    return {
      state: -1,
      answer,
      detail: `TML paused this tool call (${answer.trigger_detail}) and it was refused (${resolution.arbiter?.kind ?? 'arbiter'} ${resolution.arbiter?.id ?? ''}, resolution trace id ${resolution.trace_id}); the call was not run.`,
      resolutionTraceId: resolution.trace_id,
    }
  }
}

/**
 * A tool error result (`isError: true`) with one text part: how MCP reports a failed call to the
 * model, so that an agent reads the reason instead of failing on a protocol error.
 *
 * @example
 * toolError('TML refused this tool call', { 'tml/trace_id': traceId })
 */
export function toolError(text: string, meta: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text }], isError: true, _meta: meta }
}

function unavailable(e: unknown, what: string, meta: Record<string, unknown> = {}): ToolResult {
  if (!(e instanceof GatewayUnavailableError)) throw e
  return toolError(`${e.shortMessage}: ${what} (no record, no action).`, {
    ...meta,
    [STATE_META]: -1,
  })
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
