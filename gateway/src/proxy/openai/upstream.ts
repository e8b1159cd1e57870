import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { UpstreamError } from './errors.ts'

/** Where the proxy sends what it lets through: an OpenAI-compatible base URL and its key. */
export type UpstreamConfig = {
  /** Base URL as OpenAI clients take it, e.g. `http://127.0.0.1:8000/v1` (no trailing slash needed). */
  baseUrl: string
  /** The upstream's own key (never a caller's gateway key), sent as a bearer token. */
  apiKey?: string
}

/** The upstream's 2xx answer: its status and body, read once (as text, or chunk by chunk). */
export type UpstreamResponse = {
  status: number
  /** The body's bytes as they arrive (an event stream is read this way). */
  body: AsyncIterable<Uint8Array>
  /** The whole body as UTF-8 text. */
  text(): Promise<string>
}

/**
 * The connections to one upstream: a keep-alive pool (HTTP or HTTPS after the base URL), so a
 * proxied call pays no connection set-up. Node's agent drops an idle connection before the
 * upstream's announced `Keep-Alive: timeout` runs out. {@link UpstreamPool.close} ends them.
 *
 * @example
 * const pool = new UpstreamPool({ baseUrl: 'http://127.0.0.1:8000/v1' })
 * const response = await callUpstream({ pool, path: '/models', method: 'GET', timeoutMs: 10000 })
 */
export class UpstreamPool {
  readonly config: UpstreamConfig
  readonly url: URL
  readonly agent: HttpAgent
  readonly request: typeof httpRequest

  constructor(config: UpstreamConfig) {
    let url: URL
    try {
      url = new URL(config.baseUrl.replace(/\/+$/, ''))
    } catch {
      throw new TypeError(`upstream base URL: not a URL: ${config.baseUrl}`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`upstream base URL: http or https only, not ${url.protocol}`)
    this.config = config
    this.url = url
    const https = url.protocol === 'https:'
    // No socket cap: concurrent calls each get a connection, as fetch gives them.
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
    this.request = https ? (httpsRequest as typeof httpRequest) : httpRequest
  }

  /** Closes the pooled connections (the proxy's server is closing). */
  close(): void {
    this.agent.destroy()
  }
}

/** The error a body read fails with when the time limit runs out mid-answer. */
function timeoutReason(timeoutMs: number): DOMException {
  return new DOMException(`not finished within ${timeoutMs} ms`, 'TimeoutError')
}

/**
 * Calls the upstream at `path` (below its base URL) and returns its response when the status is
 * 2xx. Everything else becomes an {@link UpstreamError}: unreachable, no headers within
 * `timeoutMs` (or aborted by `signal`), or an error status with the upstream's message. The time
 * limit covers the whole answer: a body still arriving when it runs out fails with a
 * `TimeoutError`. A pooled connection the upstream had just closed is retried once on a new one
 * (the request never reached it).
 *
 * @example
 * const response = await callUpstream({ pool, path: '/chat/completions', body, timeoutMs: 30000 })
 */
export async function callUpstream({
  pool,
  path,
  method = 'POST',
  body,
  timeoutMs,
  signal,
}: {
  pool: UpstreamPool
  path: string
  method?: 'GET' | 'POST'
  body?: unknown
  timeoutMs: number
  signal?: AbortSignal
}): Promise<UpstreamResponse> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  const headers: Record<string, string | number> = {
    accept: 'application/json, text/event-stream',
  }
  if (payload !== undefined) {
    headers['content-type'] = 'application/json'
    headers['content-length'] = payload.byteLength
  }
  if (pool.config.apiKey) headers.authorization = `Bearer ${pool.config.apiKey}`
  const deadline = performance.now() + timeoutMs
  let response: IncomingMessage
  try {
    response = await send({ pool, path, method, headers, payload, deadline, signal })
  } catch (e) {
    if (e instanceof Error && e.name === 'TimeoutError')
      throw new UpstreamError({ kind: 'timeout', reason: `no answer within ${timeoutMs} ms` })
    throw new UpstreamError({ kind: 'unavailable', reason: describe(e) })
  }
  // One timer for the whole answer; a plain timer, cleared as soon as the body is done, so that
  // nothing of a finished call stays alive until the limit.
  const left = Math.max(0, deadline - performance.now())
  const timer = setTimeout(() => response.destroy(timeoutReason(timeoutMs)), left)
  const aborted = () => response.destroy(signal?.reason as Error | undefined)
  signal?.addEventListener('abort', aborted, { once: true })
  response.once('close', () => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', aborted)
  })
  const status = response.statusCode ?? 0
  if (status >= 200 && status < 300)
    return { status, body: response, text: () => readText(response, timeoutMs) }
  const text = await readText(response, timeoutMs).catch(() => '')
  throw new UpstreamError({
    kind: 'error_status',
    status,
    reason: `HTTP ${status}${errorMessage(text)}`,
  })
}

/** Sends the request and resolves with the response's head; retries a stale pooled socket once. */
function send(p: {
  pool: UpstreamPool
  path: string
  method: string
  headers: Record<string, string | number>
  payload: Buffer | undefined
  deadline: number
  signal: AbortSignal | undefined
  retried?: boolean
}): Promise<IncomingMessage> {
  const { pool, signal } = p
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const req = pool.request({
      protocol: pool.url.protocol,
      hostname: pool.url.hostname,
      port: pool.url.port,
      path: `${pool.url.pathname}${p.path}`,
      method: p.method,
      headers: p.headers,
      agent: pool.agent,
    })
    let settled = false
    const timer = setTimeout(
      () => req.destroy(timeoutReason(0)),
      Math.max(0, p.deadline - performance.now()),
    )
    const aborted = () => req.destroy(signal?.reason as Error | undefined)
    signal?.addEventListener('abort', aborted, { once: true })
    const done = () => {
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', aborted)
    }
    req.once('response', (response) => {
      done()
      resolve(response)
    })
    req.once('error', (e: Error & { code?: string }) => {
      if (settled) return
      done()
      // A keep-alive connection closed by the upstream just as it was reused: nothing was read.
      if (req.reusedSocket && !p.retried && (e.code === 'ECONNRESET' || e.code === 'EPIPE'))
        return resolve(send({ ...p, retried: true }))
      reject(e)
    })
    req.end(p.payload)
  })
}

async function readText(response: IncomingMessage, timeoutMs: number): Promise<string> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of response) chunks.push(chunk as Buffer)
  } catch (e) {
    if (e instanceof Error && e.name === 'TimeoutError')
      throw new UpstreamError({ kind: 'timeout', reason: `no answer within ${timeoutMs} ms` })
    throw new UpstreamError({ kind: 'unavailable', reason: `body: ${describe(e)}` })
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The cause of a failed call in a few words (`ECONNREFUSED`, `socket hang up`). */
function describe(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code
  if (typeof code === 'string') return code
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message.slice(0, 200)
  return e instanceof Error ? e.message.slice(0, 200) : 'unknown error'
}

/** `: message` of an OpenAI-format error body, clipped; empty when there is none. */
function errorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message
    return typeof message === 'string' ? `: ${message.slice(0, 200)}` : ''
  } catch {
    return ''
  }
}
