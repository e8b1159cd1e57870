import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import https from 'node:https'

/** Header a replica adds to the requests it forwards: its own name. */
export const FORWARDED_HEADER = 'x-tml-forwarded'

/** Header of a 503 meaning "not handled here: I do not lead" (safe to send again elsewhere). */
export const NOT_LEADER_HEADER = 'x-tml-not-leader'

/** What became of one forwarded request. */
export type ForwardOutcome =
  /** The leader's answer (any status) is being streamed to the caller. */
  | { kind: 'answered' }
  /** Never reached a leader (no connection, or a replica that does not lead): safe to retry. */
  | { kind: 'not-sent'; reason: string }
  /** Sent, then the connection broke before an answer: the outcome is unknown. */
  | { kind: 'unknown'; reason: string }

// Hop-by-hop headers (RFC 9110 §7.6.1) are the connection's, not the message's.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
])

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
  return out
}

/** Parameters of {@link forwardRequest}. */
export type ForwardRequestParameters = {
  /** The leader's advertised base URL. */
  target: string
  /** Connection pools by protocol (`http:`, `https:`), kept per leader. */
  agents: { http: http.Agent; https: https.Agent }
  method: string
  /** Path and query, as received. */
  path: string
  headers: IncomingHttpHeaders
  /** The whole request body, read before forwarding so that it can be sent again. */
  body: Buffer
  /** Name of this replica, sent in {@link FORWARDED_HEADER}. */
  replica: string
  /** Where the leader's answer goes. */
  res: ServerResponse
}

/**
 * Sends one buffered request to the leader and streams its answer back to `res`. Tells apart
 * what may be retried from what may not: a request that never got a connection, or that a
 * replica refused with {@link NOT_LEADER_HEADER}, was not handled; one whose connection broke
 * after it was written may have been (a decision may be in the log), so it is reported as
 * unknown, never sent again.
 *
 * @example
 * const outcome = await forwardRequest({ target: 'http://10.0.0.5:8787', agents, method: 'POST', path: '/v1/decisions', headers, body, replica: 'b', res })
 */
export function forwardRequest(p: ForwardRequestParameters): Promise<ForwardOutcome> {
  return new Promise((resolve) => {
    let settled = false
    const settle = (outcome: ForwardOutcome) => {
      if (settled) return
      settled = true
      resolve(outcome)
    }
    let url: URL
    try {
      url = new URL(p.path, p.target)
    } catch {
      settle({ kind: 'not-sent', reason: `invalid leader URL ${p.target}` })
      return
    }
    const secure = url.protocol === 'https:'
    const request = (secure ? https : http).request(url, {
      method: p.method,
      agent: secure ? p.agents.https : p.agents.http,
      headers: {
        ...endToEnd(p.headers),
        'content-length': String(p.body.length),
        [FORWARDED_HEADER]: p.replica,
      },
    })
    // Connected means written: from then on a failure leaves the outcome unknown.
    let connected = false
    request.on('socket', (socket) => {
      if (!socket.connecting) connected = true
      else socket.once('connect', () => (connected = true))
    })
    request.on('response', (upstream) => {
      if (upstream.statusCode === 503 && upstream.headers[NOT_LEADER_HEADER] !== undefined) {
        upstream.resume()
        settle({ kind: 'not-sent', reason: `${p.target} does not lead` })
        return
      }
      settle({ kind: 'answered' })
      p.res.writeHead(upstream.statusCode ?? 502, endToEnd(upstream.headers))
      upstream.pipe(p.res)
      // A leader lost halfway through its answer: the caller sees a cut response, as it would
      // talking to the leader itself.
      upstream.on('error', () => p.res.destroy())
      upstream.on('aborted', () => p.res.destroy())
    })
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason = `${p.target}: ${error.code ?? error.message}`
      settle(connected ? { kind: 'unknown', reason } : { kind: 'not-sent', reason })
    })
    request.end(p.body)
  })
}
