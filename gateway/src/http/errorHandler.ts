import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/** The JSON body of every error answer. */
export type ApiError = { error: string; message: string; field?: string }

type AjvError = {
  instancePath?: string
  keyword?: string
  message?: string
  params?: Record<string, unknown>
}

/**
 * Maps every failure to a JSON answer: schema violations to 400 naming the field (dot path),
 * oversized bodies to 413, wrong media types to 415, malformed JSON to 400, other client errors
 * to their code; anything else is logged and answered 500 without internals.
 *
 * @example
 * app.setErrorHandler(errorHandler)
 */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.validation) {
    const first = error.validation[0] as AjvError | undefined
    const field = fieldOf(error.validationContext ?? 'body', first)
    void reply.code(400).send({
      error: 'invalid_request',
      message: `${field}: ${first?.message ?? 'invalid'}`,
      field,
    } satisfies ApiError)
    return
  }
  const status = error.statusCode ?? 500
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed')
    void reply.code(500).send({ error: 'internal', message: 'internal error' } satisfies ApiError)
    return
  }
  const code =
    error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? 'body_too_large'
      : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'unsupported_media_type'
        : error.code === 'malformed_json' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'malformed_json'
          : 'bad_request'
  void reply
    .code(status)
    .send({ error: code, message: error.message.split('\n')[0] ?? code } satisfies ApiError)
}

function fieldOf(context: string, e: AjvError | undefined): string {
  const segments = (e?.instancePath ?? '')
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const extra = e?.params?.missingProperty ?? e?.params?.additionalProperty
  if (typeof extra === 'string') segments.push(extra)
  // The body's fields are named as in the documentation (signals.harm); other parts keep a prefix.
  const prefix = context === 'body' ? [] : [context]
  return [...prefix, ...segments].join('.') || context
}
