import { UpstreamError } from './errors.ts'

/** Where the proxy sends what it lets through: an OpenAI-compatible base URL and its key. */
export type UpstreamConfig = {
  /** Base URL as OpenAI clients take it, e.g. `http://127.0.0.1:8000/v1` (no trailing slash needed). */
  baseUrl: string
  /** The upstream's own key (never a caller's gateway key), sent as a bearer token. */
  apiKey?: string
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch
}

/**
 * Calls the upstream at `path` (below its base URL) and returns its response when the status is
 * 2xx. Everything else becomes an {@link UpstreamError}: unreachable, no headers within
 * `timeoutMs` (or aborted by `signal`), or an error status with the upstream's message.
 *
 * @example
 * const response = await callUpstream({ upstream, path: '/chat/completions', body, timeoutMs: 30000 })
 */
export async function callUpstream({
  upstream,
  path,
  method = 'POST',
  body,
  timeoutMs,
  signal,
}: {
  upstream: UpstreamConfig
  path: string
  method?: 'GET' | 'POST'
  body?: unknown
  timeoutMs: number
  signal?: AbortSignal
}): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (upstream.apiKey) headers.authorization = `Bearer ${upstream.apiKey}`
  let response: Response
  try {
    response = await (upstream.fetch ?? fetch)(`${upstream.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    })
  } catch (e) {
    if (timeout.aborted)
      throw new UpstreamError({ kind: 'timeout', reason: `no answer within ${timeoutMs} ms` })
    throw new UpstreamError({ kind: 'unavailable', reason: describe(e) })
  }
  if (response.status >= 200 && response.status < 300) return response
  const text = await response.text().catch(() => '')
  throw new UpstreamError({
    kind: 'error_status',
    status: response.status,
    reason: `HTTP ${response.status}${errorMessage(text)}`,
  })
}

/** The cause of a failed fetch in a few words (`ECONNREFUSED`, `fetch failed`). */
function describe(e: unknown): string {
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
