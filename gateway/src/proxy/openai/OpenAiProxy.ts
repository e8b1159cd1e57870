import type { ServerResponse } from 'node:http'
import { type CausalNode, canonicalize, JcsError, type MtlModel } from '@tml/core'
import type { Signals } from '../../engine/types.ts'
import { uuidv7 } from '../../memory/uuidv7.ts'
import type { PauseResolution } from '../../pause/PauseResolution.ts'
import type { LoadedPolicy, ProxyPolicy } from '../../policy/types.ts'
import {
  type DecisionAnswer,
  type DecisionFinding,
  type DecisionInput,
  InvalidEvidenceError,
} from '../../service/DecisionService.ts'
import { callMonitor, type MonitorScores } from './callMonitor.ts'
import { type ChatCompletion, parseChatCompletion, tokenLogprobs } from './chatCompletion.ts'
import { UpstreamError } from './errors.ts'
import { openAiError, type ProxyAnswer, tmlHeaders } from './openAiErrors.ts'
import { readSse } from './readSse.ts'
import {
  callMetrics,
  messageText,
  modelOf,
  requestEvidence,
  stripLogprobs,
} from './requestEvidence.ts'
import { StreamAssembler } from './StreamAssembler.ts'
import { callUpstream, type UpstreamConfig, UpstreamPool } from './upstream.ts'

/** The proxy's settings when a profile's policy has no `proxy` section. */
export const DEFAULT_PROXY_POLICY: ProxyPolicy = {
  logprobs: false,
  topLogprobs: 5,
  streamReleaseTokens: 0,
  waitMs: 0,
  upstreamTimeoutMs: 60_000,
}

/** The longest a caller may ask the proxy to hold an answer for a pause's resolution. */
export const MAX_WAIT_MS = 600_000

/** What the proxy uses of the decision service: the same path as `POST /v1/decisions`. */
export type ProxyDecisions = {
  readonly policies: ReadonlyMap<string, LoadedPolicy>
  assess(input: DecisionInput): { state: 1 | 0 | -1; trigger_detail: string }
  decide(p: { input: DecisionInput; caller: string }): Promise<DecisionAnswer>
}

/** Parameters of the {@link OpenAiProxy} constructor. */
export type OpenAiProxyParameters = {
  decisions: ProxyDecisions
  /** Waits for a pause's resolution (the PauseManager). */
  pauses: { wait(pauseId: string, ms: number): Promise<PauseResolution | undefined> }
  upstream: UpstreamConfig
  /** Profile of callers that name none (`x-tml-profile`) and have no profile of their own. */
  defaultProfile?: string
  /** Profile per caller (API key name). */
  callerProfiles?: ReadonlyMap<string, string>
  clock?: () => number
  /** Fetch used for safety monitors; the global one by default. */
  fetch?: typeof fetch
}

/** A chat request after authentication. */
export type ProxyRequest = {
  body: unknown
  caller: string
  /** `x-tml-profile`, when the caller names one. */
  profile?: string | undefined
  /** `x-tml-wait-ms`, when the caller sets its own wait limit. */
  waitMs?: string | undefined
}

type Prepared = {
  caller: string
  profile: string
  proxy: ProxyPolicy
  traceId: string
  body: Record<string, unknown>
  input: Record<string, unknown>
  context: Record<string, unknown>
  waitMs: number
  callerAskedLogprobs: boolean
}

type Outcome = {
  completion?: ChatCompletion
  failure?: UpstreamError
  monitor?: MonitorScores | undefined
  upstreamMs: number
  /** Streams: content chunks released before the decision, and seen in all. */
  released?: number
  seen?: number
  disconnected?: boolean
}

/** A held answer of a pause, released by `GET /v1/chat/completions/:trace_id` once approved. */
type Held = {
  completion: ChatCompletion
  deadlineMs: number
  headers: Record<string, string>
  /** Only the caller who asked gets the answer. */
  caller: string
}

const POSTHOC_NOTE: CausalNode = { id: 'review:posthoc', kind: 'posthoc_review', inputs: [] }

/**
 * The OpenAI-compatible inline proxy: a chat request is decided on before the upstream model is
 * called (a -1 never reaches it), the model and the profile's safety monitor run in parallel, and
 * the answer is held until the decision over request and answer is made and its MTL is durable
 * (the same DecisionService as `POST /v1/decisions`). +1 releases the answer unchanged, -1 answers
 * an OpenAI-format error with the reason and trace id, 0 holds it for the pause (within the
 * caller's wait limit, or answers the pause's trace id; a real-time profile's safe state answers
 * at once and the record is flagged for review after the fact).
 *
 * Spec: Sacred Pause Protocol §3.2, §3.3, §6.2; OpenAI Chat Completions API.
 *
 * @example
 * const proxy = new OpenAiProxy({ decisions: gateway.service, pauses: gateway.pauses, upstream: { baseUrl: 'http://127.0.0.1:8000/v1' }, defaultProfile: 'general' })
 * const answer = await proxy.complete({ body, caller: 'app' })
 */
export class OpenAiProxy {
  readonly #decisions: ProxyDecisions
  readonly #pauses: OpenAiProxyParameters['pauses']
  readonly #upstream: UpstreamConfig
  readonly #pool: UpstreamPool
  readonly #defaultProfile: string | undefined
  readonly #callerProfiles: ReadonlyMap<string, string>
  readonly #clock: () => number
  readonly #fetch: typeof fetch | undefined
  readonly #held = new Map<string, Held>()
  /** The MTL's model by upstream model id and fingerprint: a handful per upstream, each hashed once. */
  readonly #models = new Map<string, MtlModel>()

  constructor(p: OpenAiProxyParameters) {
    this.#decisions = p.decisions
    this.#pauses = p.pauses
    this.#upstream = p.upstream
    this.#pool = new UpstreamPool(p.upstream)
    this.#defaultProfile = p.defaultProfile
    this.#callerProfiles = p.callerProfiles ?? new Map()
    this.#clock = p.clock ?? Date.now
    this.#fetch = p.fetch
  }

  /** `POST /v1/chat/completions` without `stream`: one JSON answer. */
  async complete(request: ProxyRequest): Promise<ProxyAnswer> {
    const prepared = this.#prepare(request)
    if ('status' in prepared) return prepared
    const refused = await this.#refuseEarly(prepared, request.caller)
    if (refused) return refused
    const started = this.#clock()
    const monitor = this.#monitor(prepared)
    let completion: ChatCompletion | undefined
    let raw: string | undefined
    let failure: UpstreamError | undefined
    try {
      const response = await callUpstream({
        pool: this.#pool,
        path: '/chat/completions',
        body: this.#upstreamBody(prepared),
        timeoutMs: prepared.proxy.upstreamTimeoutMs,
      })
      raw = await response.text()
      let json: unknown
      try {
        json = JSON.parse(raw)
      } catch {
        throw new UpstreamError({ kind: 'malformed', reason: 'the answer is not JSON' })
      }
      completion = parseChatCompletion(json)
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e
      failure = e
    }
    const outcome: Outcome = { upstreamMs: this.#clock() - started, monitor: await monitor }
    if (completion) outcome.completion = completion
    if (failure) outcome.failure = failure
    const answer = await this.#decide(prepared, request.caller, outcome)
    const released = completion && stripLogprobs(completion, prepared.callerAskedLogprobs)
    return this.#respond(prepared, answer, outcome, () => ({
      status: 200,
      headers: tmlHeaders(answer),
      body: released,
      // Released unchanged: the upstream's own bytes, unless the proxy removed what it added.
      ...(released === completion && raw !== undefined ? { raw } : {}),
    }))
  }

  /**
   * `POST /v1/chat/completions` with `stream: true`, written to `response` as server-sent events
   * (or as one JSON error when nothing was sent yet). The profile's `stream_release_tokens`
   * first content chunks leave as they come; the rest is held until the decision.
   */
  async stream(request: ProxyRequest, response: ServerResponse): Promise<void> {
    const prepared = this.#prepare(request)
    if ('status' in prepared) return writeAnswer(response, prepared)
    const refused = await this.#refuseEarly(prepared, request.caller)
    if (refused) return writeAnswer(response, refused)
    const started = this.#clock()
    const abort = new AbortController()
    let gone = false
    // A client that left is seen on 'close'; writes after it fail quietly.
    response.on('error', () => {})
    response.on('close', () => {
      if (!response.writableFinished) {
        gone = true
        abort.abort()
      }
    })
    const monitor = this.#monitor(prepared)
    const assembler = new StreamAssembler()
    const held: string[] = []
    let released = 0
    let failure: UpstreamError | undefined
    const wantsUsage =
      (prepared.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage ===
      true
    const send = (data: string) => {
      if (!response.headersSent)
        response.writeHead(200, { ...SSE_HEADERS, 'x-tml-trace-id': prepared.traceId })
      response.write(`data: ${data}\n\n`)
    }
    try {
      const upstream = await callUpstream({
        pool: this.#pool,
        path: '/chat/completions',
        body: this.#upstreamBody(prepared),
        timeoutMs: prepared.proxy.upstreamTimeoutMs,
        signal: abort.signal,
      })
      const events = readSse(upstream.body)
      // Iterated without `return`: leaving the loop at [DONE] keeps the body open, so the rest of
      // it (its end) is read in the background and the connection goes back to the pool.
      const pending = { [Symbol.asyncIterator]: () => ({ next: () => events.next() }) }
      let done = false
      try {
        for await (const event of pending) {
          if (gone) break
          if (event.data === '[DONE]') {
            done = true
            break
          }
          let chunk: Record<string, unknown>
          try {
            chunk = JSON.parse(event.data) as Record<string, unknown>
          } catch {
            throw new UpstreamError({ kind: 'malformed', reason: 'a stream event is not JSON' })
          }
          const token = assembler.add(chunk)
          const out = callerView(chunk, prepared.callerAskedLogprobs, wantsUsage)
          if (out === undefined) continue
          // 0 holds everything, even the first role chunk: the headers then carry the receipt.
          const budget = prepared.proxy.streamReleaseTokens
          if (budget > 0 && held.length === 0 && (!token || released < budget)) {
            send(out)
            if (token) released++
          } else held.push(out)
        }
      } finally {
        if (done) void drain(events)
        else await events.return(undefined)
      }
    } catch (e) {
      if (!(e instanceof UpstreamError)) {
        // The upstream's time limit covers the whole stream: it aborts the body mid-way.
        const timedOut = (e as Error | undefined)?.name === 'TimeoutError'
        if (!gone) {
          failure = new UpstreamError(
            timedOut
              ? {
                  kind: 'timeout',
                  reason: `stream not finished within ${prepared.proxy.upstreamTimeoutMs} ms`,
                }
              : {
                  kind: 'unavailable',
                  reason: `stream broke: ${(e as Error).message}`.slice(0, 200),
                },
          )
        }
      } else if (!gone) failure = e
    }
    const outcome: Outcome = {
      upstreamMs: this.#clock() - started,
      monitor: await monitor,
      released,
      seen: assembler.tokens,
      disconnected: gone,
    }
    if (failure) outcome.failure = failure
    else outcome.completion = assembler.completion()
    const answer = await this.#decide(prepared, request.caller, outcome)
    if (gone) return
    if (!response.headersSent) {
      const reply = this.#respond(prepared, answer, outcome, () => ({
        status: 200,
        headers: tmlHeaders(answer),
        body: held,
      }))
      if (reply.status !== 200) return writeAnswer(response, reply)
      response.writeHead(200, { ...SSE_HEADERS, ...reply.headers })
      const events = Array.isArray(reply.body)
        ? (reply.body as string[])
        : safeStateEvents(reply.body as ChatCompletion)
      for (const data of events) response.write(`data: ${data}\n\n`)
      response.end('data: [DONE]\n\n')
      return
    }
    // Part of the answer is out: the rest follows on +1, otherwise a final error event says why.
    const reply = this.#respond(prepared, answer, outcome, () => ({
      status: 200,
      headers: tmlHeaders(answer),
      body: held,
    }))
    if (reply.status === 200) {
      const events = Array.isArray(reply.body)
        ? (reply.body as string[])
        : safeStateEvents(reply.body as ChatCompletion)
      for (const data of events) response.write(`data: ${data}\n\n`)
    } else response.write(`data: ${JSON.stringify(reply.body)}\n\n`)
    response.write(
      `: tml ${JSON.stringify({ ...pick(reply.headers), released_tokens: released })}\n\n`,
    )
    response.end(reply.status === 200 ? 'data: [DONE]\n\n' : undefined)
  }

  /**
   * `GET /v1/chat/completions/:trace_id`: the answer a pause held, once a reviewer (or hook)
   * approved it; 423 while pending (waiting up to `waitMs`), 403 when refused, 404 when unknown.
   */
  async held({
    traceId,
    caller,
    waitMs,
  }: {
    traceId: string
    caller: string
    waitMs?: string | undefined
  }): Promise<ProxyAnswer> {
    this.#forgetExpired()
    const entry = this.#held.get(traceId)
    // Another caller's held answer is answered as unknown: trace ids are no secret.
    if (!entry || entry.caller !== caller)
      return openAiError({
        status: 404,
        code: 'not_found',
        message: `no held answer for trace ${traceId}`,
        traceId,
      })
    const wait = parseWait(waitMs, 0)
    if (wait === undefined)
      return openAiError({
        status: 400,
        code: 'invalid_wait',
        message: 'x-tml-wait-ms: an integer of milliseconds from 0 to 600000',
        param: 'x-tml-wait-ms',
      })
    const resolution = await this.#pauses.wait(traceId, wait).catch(() => undefined)
    if (!resolution)
      return openAiError({
        status: 423,
        code: 'tml_paused',
        message: `trace ${traceId}: the pause is not resolved yet`,
        traceId,
        headers: entry.headers,
      })
    const headers = {
      ...entry.headers,
      'x-tml-state': String(resolution.state),
      'x-tml-resolution-trace-id': resolution.trace_id,
    }
    if (resolution.state !== 1) {
      this.#held.delete(traceId)
      return openAiError({
        status: 403,
        code: 'tml_refused',
        message: `pause ${traceId} refused by ${resolution.arbiter.kind} ${resolution.arbiter.id}`,
        traceId,
        headers,
      })
    }
    return { status: 200, headers, body: entry.completion }
  }

  /** Closes the pooled connections to the upstream (the server is closing). */
  close(): void {
    this.#pool.close()
  }

  /** `GET /v1/models`, passed through to the upstream. */
  async models(): Promise<ProxyAnswer> {
    try {
      const response = await callUpstream({
        pool: this.#pool,
        path: '/models',
        method: 'GET',
        timeoutMs: 10_000,
      })
      return { status: 200, headers: {}, body: null, raw: await response.text() }
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e
      return openAiError({ status: 502, code: 'tml_upstream', message: e.shortMessage })
    }
  }

  #prepare(request: ProxyRequest): Prepared | ProxyAnswer {
    const body = request.body
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return openAiError({
        status: 400,
        code: 'invalid_request',
        message: 'the body must be a JSON object',
      })
    const b = body as Record<string, unknown>
    if (typeof b.model !== 'string' || b.model === '')
      return openAiError({
        status: 400,
        code: 'invalid_request',
        message: 'model: a non-empty string is required',
        param: 'model',
      })
    if (!Array.isArray(b.messages) || b.messages.length === 0)
      return openAiError({
        status: 400,
        code: 'invalid_request',
        message: 'messages: a non-empty list is required',
        param: 'messages',
      })
    const profile =
      request.profile ?? this.#callerProfiles.get(request.caller) ?? this.#defaultProfile
    const loaded = profile === undefined ? undefined : this.#decisions.policies.get(profile)
    if (!loaded || profile === undefined)
      return openAiError({
        status: 400,
        code: 'unknown_profile',
        message:
          profile === undefined
            ? 'x-tml-profile: no profile named and no default configured'
            : `x-tml-profile: no policy "${profile}"`,
        param: 'x-tml-profile',
      })
    const proxy = loaded.policy.proxy ?? DEFAULT_PROXY_POLICY
    const waitMs = parseWait(request.waitMs, proxy.waitMs)
    if (waitMs === undefined)
      return openAiError({
        status: 400,
        code: 'invalid_wait',
        message: 'x-tml-wait-ms: an integer of milliseconds from 0 to 600000',
        param: 'x-tml-wait-ms',
      })
    // Evidence without a canonical form (a lone surrogate) could not be logged: refused before
    // the upstream is called, as POST /v1/decisions refuses it.
    try {
      canonicalize(b)
    } catch (e) {
      if (!(e instanceof JcsError)) throw e
      return openAiError({
        status: 400,
        code: 'invalid_request',
        message: `body: ${e.reason}`,
        param: e.path.slice(2) || null,
      })
    }
    const { input, context } = requestEvidence({ body: b, caller: request.caller })
    return {
      caller: request.caller,
      profile,
      proxy,
      traceId: uuidv7(this.#clock()),
      body: b,
      input,
      context,
      waitMs,
      callerAskedLogprobs: b.logprobs === true,
    }
  }

  /** Input side: the rules over the request alone; a -1 is logged and the upstream never called. */
  async #refuseEarly(p: Prepared, caller: string): Promise<ProxyAnswer | undefined> {
    const base: DecisionInput = {
      profile: p.profile,
      input: p.input,
      context: p.context,
      signals: {},
      trace_id: p.traceId,
    }
    let assessed: { state: number }
    try {
      assessed = this.#decisions.assess(base)
    } catch (e) {
      if (!(e instanceof RangeError)) throw e
      return openAiError({ status: 400, code: 'unknown_profile', message: e.message })
    }
    if (assessed.state !== -1) return undefined
    let answer: DecisionAnswer
    try {
      answer = await this.#decisions.decide({ input: base, caller })
    } catch (e) {
      if (!(e instanceof InvalidEvidenceError)) throw e
      return openAiError({
        status: 400,
        code: 'invalid_request',
        message: e.shortMessage,
        param: e.field,
      })
    }
    return this.#refusal(answer, 403)
  }

  #upstreamBody(p: Prepared): Record<string, unknown> {
    const body: Record<string, unknown> = { ...p.body }
    if (p.proxy.logprobs && body.logprobs !== true) {
      body.logprobs = true
      body.top_logprobs = p.proxy.topLogprobs
    }
    if (body.stream === true)
      body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true }
    return body
  }

  #monitor(p: Prepared): Promise<MonitorScores | undefined> {
    const m = p.proxy.monitor
    if (!m) return Promise.resolve(undefined)
    const text = (p.body.messages as unknown[]).map(messageText).join('\n')
    return callMonitor({
      url: m.url,
      text,
      timeoutMs: m.timeoutMs,
      ...(this.#fetch ? { fetch: this.#fetch } : {}),
    })
  }

  /** Output side: one decision over request and answer, through the DecisionService. */
  async #decide(p: Prepared, caller: string, o: Outcome): Promise<DecisionAnswer> {
    const findings: DecisionFinding[] = []
    const signals: Signals = {}
    if (o.failure) findings.push(upstreamFinding(o.failure))
    if (o.disconnected)
      findings.push({
        step: { trigger: 'CONTEXTUAL', check: 'client_disconnected', outcome: -1 },
        detail: `client disconnected after ${o.released ?? 0} released tokens: nothing more was released`,
      })
    if (o.completion && p.proxy.logprobs) {
      try {
        const lp = tokenLogprobs(o.completion.choices[0]?.logprobs?.content)
        if (lp) signals.token_logprobs = lp
      } catch (e) {
        if (!(e instanceof UpstreamError)) throw e
        findings.push(upstreamFinding(e))
      }
    }
    if (o.monitor) signals.harm = o.monitor.harm
    const extra = callMetrics({
      usage: o.completion?.usage,
      energyPerTokenJ: p.proxy.energyPerTokenJ,
      monitor: o.monitor,
    })
    extra.upstream_ms = o.upstreamMs
    if (o.released !== undefined) {
      extra.released_tokens = o.released
      extra.streamed_tokens = o.seen ?? 0
    }
    const output = o.completion && stripLogprobs(o.completion, p.callerAskedLogprobs)
    const input: DecisionInput = {
      profile: p.profile,
      input: p.input,
      context: p.context,
      signals,
      trace_id: p.traceId,
      model: this.#modelOf(
        o.completion?.model || (p.body.model as string),
        o.completion?.system_fingerprint,
      ),
      ...(output ? { output } : {}),
      findings,
      extra_metrics: extra,
      output_released: (o.released ?? 0) > 0,
      ...(p.proxy.safeState
        ? { pause_notes: [POSTHOC_NOTE], wait_ms: 0 }
        : { wait_ms: o.disconnected ? 0 : p.waitMs }),
    }
    try {
      return await this.#decisions.decide({ input, caller })
    } catch (e) {
      if (!(e instanceof InvalidEvidenceError)) throw e
      // An answer without a canonical form (a lone surrogate) cannot be logged: refuse it.
      const { output: _unloggable, ...rest } = input
      return this.#decisions.decide({
        input: {
          ...rest,
          findings: [
            ...findings,
            upstreamFinding(
              new UpstreamError({ kind: 'malformed', reason: `${e.field}: ${e.reason}` }),
            ),
          ],
        },
        caller,
      })
    }
  }

  #modelOf(model: string, fingerprint: string | null | undefined): MtlModel {
    const key = JSON.stringify([model, fingerprint ?? null])
    let found = this.#models.get(key)
    if (found === undefined) {
      found = modelOf({ model, upstream: this.#upstream.baseUrl, fingerprint })
      // An upstream that varies its fingerprint per answer must not grow this without bound.
      if (this.#models.size >= 256) this.#models.clear()
      this.#models.set(key, found)
    }
    return found
  }

  /** The answer for a logged decision; `released` builds the +1 answer. */
  #respond(
    p: Prepared,
    answer: DecisionAnswer,
    o: Outcome,
    released: () => ProxyAnswer,
  ): ProxyAnswer {
    if (!answer.logged || answer.final_state === -1)
      return this.#refusal(answer, o.failure ? 502 : 403)
    if (answer.final_state === 1) return released()
    // 0: a real-time profile's safe state at once, or the pause's trace id to poll.
    if (p.proxy.safeState) {
      return {
        status: 200,
        headers: { ...tmlHeaders(answer), 'x-tml-review': 'posthoc' },
        body: safeCompletion(p, o, p.proxy.safeState.content, this.#clock()),
      }
    }
    if (o.completion && answer.pause) {
      this.#forgetExpired()
      this.#held.set(answer.trace_id, {
        completion: stripLogprobs(o.completion, p.callerAskedLogprobs),
        deadlineMs: Date.parse(answer.pause.deadline),
        headers: tmlHeaders(answer),
        caller: p.caller,
      })
    }
    return openAiError({
      status: 423,
      code: 'tml_paused',
      message: `paused (${answer.trigger_type}): ${answer.trigger_detail}; the answer is held until pause ${answer.trace_id} is resolved (GET /v1/chat/completions/${answer.trace_id})`,
      traceId: answer.trace_id,
      headers: tmlHeaders(answer),
      extra: { pause_deadline: answer.pause?.deadline ?? null },
    })
  }

  #refusal(answer: DecisionAnswer, status: number): ProxyAnswer {
    if (!answer.logged)
      return openAiError({
        status: 503,
        code: 'tml_not_logged',
        message: `refused, not logged: ${answer.trigger_detail}`,
        traceId: answer.trace_id,
        headers: tmlHeaders(answer),
      })
    const resolution = answer.pause?.resolution
    const message = resolution
      ? `pause ${answer.trace_id} refused by ${resolution.arbiter.kind} ${resolution.arbiter.id}`
      : `refused (${answer.trigger_type}): ${answer.trigger_detail}`
    return openAiError({
      status,
      code: status === 502 ? 'tml_upstream' : 'tml_refused',
      message,
      traceId: answer.trace_id,
      headers: tmlHeaders(answer),
    })
  }

  #forgetExpired(): void {
    // A held answer outlives its pause's deadline by a minute: the caller may still poll it.
    const now = this.#clock()
    for (const [id, h] of this.#held) if (h.deadlineMs + 60_000 < now) this.#held.delete(id)
  }
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
}

/** Reads what is left of an event stream after [DONE] (its end, normally), ignoring it. */
async function drain(events: AsyncGenerator<unknown>): Promise<void> {
  try {
    while (!(await events.next()).done) {}
  } catch {
    // The answer was already complete: a connection that breaks now only leaves the pool.
  }
}

function upstreamFinding(e: UpstreamError): DecisionFinding {
  return {
    step: { trigger: 'CONTEXTUAL', check: `upstream_${e.kind}`, outcome: -1 },
    detail: e.shortMessage.slice(0, 400),
  }
}

function parseWait(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined) return fallback
  if (!/^\d{1,6}$/.test(raw)) return undefined
  const ms = Number(raw)
  return ms <= MAX_WAIT_MS ? ms : undefined
}

/** A chunk as the caller sees it: without the log-probabilities or usage it did not ask for. */
function callerView(
  chunk: Record<string, unknown>,
  logprobs: boolean,
  usage: boolean,
): string | undefined {
  let out = chunk
  if (!usage && 'usage' in out) {
    const { usage: _u, ...rest } = out
    if (Array.isArray(rest.choices) && rest.choices.length === 0) return undefined
    out = rest
  }
  if (!logprobs && Array.isArray(out.choices))
    out = {
      ...out,
      choices: (out.choices as Record<string, unknown>[]).map((c) =>
        'logprobs' in c ? { ...c, logprobs: null } : c,
      ),
    }
  return JSON.stringify(out)
}

function safeCompletion(p: Prepared, o: Outcome, content: string, now: number): ChatCompletion {
  return {
    id: `tml-${p.traceId}`,
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model: o.completion?.model ?? (p.body.model as string),
    choices: [
      { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null },
    ],
  }
}

function safeStateEvents(c: ChatCompletion): string[] {
  const base = { id: c.id, object: 'chat.completion.chunk', created: c.created, model: c.model }
  return [
    JSON.stringify({
      ...base,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: c.choices[0]?.message.content ?? '' },
          finish_reason: null,
        },
      ],
    }),
    JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
  ]
}

function pick(h: Record<string, string>): Record<string, unknown> {
  return {
    trace_id: h['x-tml-trace-id'],
    state: Number(h['x-tml-state']),
    seq: h['x-tml-seq'] === undefined ? null : Number(h['x-tml-seq']),
    leaf_hash: h['x-tml-leaf-hash'] ?? null,
    receipt: h['x-tml-receipt'] === undefined ? null : JSON.parse(h['x-tml-receipt']),
  }
}

function writeAnswer(response: ServerResponse, answer: ProxyAnswer): void {
  const text = answer.raw ?? JSON.stringify(answer.body)
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    ...answer.headers,
  })
  response.end(text)
}
