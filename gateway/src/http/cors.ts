import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Headers a cross-origin caller may send: the API key and JSON bodies. */
const ALLOW_HEADERS = 'authorization, content-type, x-tml-profile, x-tml-wait-ms'
const ALLOW_METHODS = 'GET, POST, OPTIONS'
/** How long (s) a browser may reuse a preflight answer. */
const MAX_AGE_S = '600'
// A 202 proof answer says when to ask again, and the inline proxy's answers carry their trace id,
// receipt and decision in headers: a browser hides all of them from the page unless exposed.
const EXPOSE_HEADERS = [
  'retry-after',
  'x-tml-trace-id',
  'x-tml-seq',
  'x-tml-leaf-hash',
  'x-tml-receipt',
  'x-tml-state',
  'x-tml-trigger',
  'x-tml-logged',
  'x-tml-proof',
  'x-tml-review',
  'x-tml-pause-id',
  'x-tml-pause-deadline',
  'x-tml-resolution-trace-id',
].join(', ')

/**
 * CORS for every route, so that the web page, served from another origin, can call the gateway:
 * the headers go on every answer (errors and 401 included, so the page can read why), and
 * `OPTIONS` on any path is a 204 preflight answer that needs no API key. With a list of origins,
 * only a listed `Origin` is echoed (with `Vary: Origin`, since the answer then depends on it).
 *
 * Hijacked answers (the SSE stream) bypass Fastify's headers: they copy `reply.getHeaders()`.
 *
 * Spec: WHATWG Fetch, CORS protocol.
 *
 * @example registerCors(app, ['https://verify.example'])
 */
export function registerCors(app: FastifyInstance, allowed: readonly string[] | '*'): void {
  const allowedSet = allowed === '*' ? undefined : new Set(allowed)
  const setHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    if (allowedSet === undefined) {
      reply.header('access-control-allow-origin', '*')
    } else {
      reply.header('vary', 'Origin')
      const origin = request.headers.origin
      if (typeof origin === 'string' && allowedSet.has(origin.toLowerCase()))
        reply.header('access-control-allow-origin', origin)
    }
    reply.header('access-control-expose-headers', EXPOSE_HEADERS)
  }
  // A synchronous hook with a callback: no promise per request on the hot decision route.
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request, reply)
    done()
  })
  app.options('*', { config: { public: true } }, (_request, reply) => {
    void reply
      .code(204)
      .header('access-control-allow-headers', ALLOW_HEADERS)
      .header('access-control-allow-methods', ALLOW_METHODS)
      .header('access-control-max-age', MAX_AGE_S)
      .send()
  })
}
