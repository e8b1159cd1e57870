import type { DecisionAnswer } from '../../service/DecisionService.ts'

/** An answer of the proxy before it is written: status, headers and a JSON (or raw) body. */
export type ProxyAnswer = {
  status: number
  headers: Record<string, string>
  body: unknown
  /** The exact bytes to send instead of `body` (an upstream answer released unchanged). */
  raw?: string
}

/** The `error` object of an OpenAI-format error body, with the trace id of its MTL. */
export type OpenAiErrorBody = {
  error: {
    message: string
    type: string
    code: string
    param: string | null
    trace_id: string | null
    [k: string]: unknown
  }
}

/**
 * An OpenAI-format error answer (`{ error: { message, type, code, param } }`) plus the trace id.
 * `x-should-retry: false` tells the official clients not to retry on their own: each retry would
 * be a new decision with a new MTL, and a refusal or a pause is not a transient failure.
 *
 * @example
 * openAiError({ status: 403, code: 'tml_refused', message: 'rule no_secrets: …', traceId })
 */
export function openAiError({
  status,
  code,
  message,
  traceId = null,
  param = null,
  headers = {},
  extra = {},
}: {
  status: number
  code: string
  message: string
  traceId?: string | null
  param?: string | null
  headers?: Record<string, string>
  extra?: Record<string, unknown>
}): ProxyAnswer {
  const body: OpenAiErrorBody = {
    error: {
      message,
      type:
        status >= 500
          ? 'tml_upstream_error'
          : code === 'tml_paused'
            ? 'tml_pause'
            : 'invalid_request_error',
      code,
      param,
      trace_id: traceId,
      ...extra,
    },
  }
  if (code === 'tml_refused') body.error.type = 'tml_refusal'
  return { status, headers: { 'x-should-retry': 'false', ...headers }, body }
}

/**
 * The headers every proxied answer carries: the trace id, the state that took effect, and the
 * signed receipt of its MTL (JSON), with the path of its proof bundle.
 *
 * @example
 * tmlHeaders(answer)['x-tml-trace-id'] // '0193…'
 */
export function tmlHeaders(answer: DecisionAnswer): Record<string, string> {
  const h: Record<string, string> = {
    'x-tml-trace-id': answer.trace_id,
    'x-tml-state': String(answer.final_state),
    'x-tml-trigger': answer.trigger_type,
    'x-tml-logged': String(answer.logged),
    'x-tml-proof': `/v1/traces/${answer.trace_id}/proof`,
  }
  if (answer.seq !== null) h['x-tml-seq'] = String(answer.seq)
  if (answer.leaf_hash !== null) h['x-tml-leaf-hash'] = answer.leaf_hash
  if (answer.receipt !== null) h['x-tml-receipt'] = JSON.stringify(answer.receipt)
  if (answer.pause) {
    h['x-tml-pause-id'] = answer.pause.pause_id
    h['x-tml-pause-deadline'] = answer.pause.deadline
    if (answer.pause.resolution) h['x-tml-resolution-trace-id'] = answer.pause.resolution.trace_id
  }
  return h
}
