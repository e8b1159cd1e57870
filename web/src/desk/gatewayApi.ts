import { bytesToHex, hashMtl, type Mtl, validateMtl } from '@tml/core'
import { type PauseCase, readPauseCase } from './readPauseCase.ts'
import { type PendingPause, readPendingPause } from './readPendingPause.ts'

/** Where the desk talks to: the gateway's base URL and the API key that reads its pauses. */
export type GatewayAccess = { url: string; apiKey: string }

/** A failed gateway call, with a message a reviewer can act on. */
export class GatewayError extends Error {
  override name = 'GatewayError' as const
  /** The HTTP status, undefined when the gateway did not answer. */
  readonly status: number | undefined
  constructor(message: string, status: number | undefined) {
    super(message)
    this.status = status
  }
}

/** The URL of `path` under the gateway's base URL. */
export function gatewayUrl(base: string, path: string): URL {
  const url = new URL(base.trim())
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GatewayError('The gateway URL must be http(s).', undefined)
  return new URL(path, url.href.endsWith('/') ? url : `${url.href}/`)
}

async function call(
  access: GatewayAccess,
  path: string,
  init: RequestInit = {},
  routeAdvice: Record<number, string> = {},
): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(gatewayUrl(access.url, path), {
      ...init,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${access.apiKey.trim()}`,
        ...init.headers,
      },
    })
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw new GatewayError(
      `Could not reach the gateway at ${access.url}: check the URL, that it is running, and that it allows this page's origin (CORS).`,
      undefined,
    )
  }
  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  if (!response.ok) {
    const message = (body as { message?: unknown } | undefined)?.message
    const detail = typeof message === 'string' ? message.slice(0, 300) : `HTTP ${response.status}`
    const advice: Record<number, string> = {
      401: 'The API key was refused: check it.',
      403: 'Your account is not a reviewer listed by this profile’s policy.',
      404: 'The gateway does not know this pause.',
      409: 'This pause is already resolved.',
      503: 'The gateway cannot write to its log right now: the pause stays open, try again.',
    }
    throw new GatewayError(
      `${routeAdvice[response.status] ?? advice[response.status] ?? 'The gateway refused.'} (${response.status}: ${detail})`,
      response.status,
    )
  }
  return body
}

/**
 * The open pauses of a gateway (`GET /v1/pauses?status=pending`); malformed entries are left out
 * and counted.
 *
 * @example const { pauses, skipped } = await listPauses({ url, apiKey })
 */
export async function listPauses(
  access: GatewayAccess,
): Promise<{ pauses: PendingPause[]; skipped: string[] }> {
  const body = await call(access, 'v1/pauses?status=pending')
  const list = (body as { pauses?: unknown } | undefined)?.pauses
  if (!Array.isArray(list))
    throw new GatewayError('The gateway answered without a list of pauses.', 200)
  const pauses: PendingPause[] = []
  const skipped: string[] = []
  for (const item of list.slice(0, 500)) {
    const read = readPendingPause(item)
    if ('pause' in read) pauses.push(read.pause)
    else skipped.push(read.problem)
  }
  return { pauses, skipped }
}

/**
 * The pause's own MTL (`GET /v1/traces/{id}`), checked here: it must follow mtl/1 and hash to
 * the leaf hash the reviewer signs, so the evidence shown is the evidence signed for.
 *
 * @example const { mtl, matches } = await readPauseMtl(access, pause)
 */
export async function readPauseMtl(
  access: GatewayAccess,
  pause: PendingPause,
): Promise<{ mtl: Mtl | undefined; matches: boolean }> {
  const body = (await call(access, `v1/traces/${pause.pauseId}`)) as { mtl?: unknown } | undefined
  const read = validateMtl(body?.mtl)
  if (!read.valid) return { mtl: undefined, matches: false }
  return { mtl: read.mtl, matches: bytesToHex(hashMtl(read.mtl)) === pause.leafHash }
}

export type ResolutionBody = {
  decision: 1 | -1
  rationale_hash: `0x${string}`
  deadline: number
  signature: `0x${string}`
  /** The rationale text whose SHA-256 is `rationale_hash`: the gateway seals it in its vault. */
  rationale?: string
}

/** A reviewer's signed request for a pause's case (docs/formats.md, Case requests). */
export type CaseRequestBody = {
  log_id: `0x${string}`
  pause_id: string
  nonce: `0x${string}`
  issued_at: number
  expires_at: number
  signature: `0x${string}`
}

/**
 * Reads the case of a pause (`POST /v1/pauses/{id}/case`) with a reviewer's signed request, and
 * checks its hashes in the browser ({@link readPauseCase}).
 *
 * @throws {GatewayError} with the gateway's reason (403 unlisted reviewer, 401 expired or used, 410 resolved).
 * @example const pauseCase = await readCase(access, pauseId, signedRequest)
 */
export async function readCase(
  access: GatewayAccess,
  pauseId: string,
  body: CaseRequestBody,
): Promise<PauseCase> {
  const answer = await call(
    access,
    `v1/pauses/${pauseId}/case`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    {
      401: 'The signed request expired or was already used: show the case again to sign a new one.',
      404: 'The gateway holds no case for this pause.',
      410: 'This pause is resolved: its case was destroyed with it.',
    },
  )
  const read = readPauseCase(answer, pauseId)
  if ('problem' in read)
    throw new GatewayError(`The gateway answered a malformed case: ${read.problem}.`, 200)
  return read.case
}

/**
 * Posts a signed resolution (`POST /v1/pauses/{id}/resolution`); resolves with the resolution's
 * trace id. The route needs no API key: the signature is the authority.
 *
 * @throws {GatewayError} with the gateway's reason (403 unlisted reviewer, 400 bad or expired signature, 409 resolved).
 */
export async function postResolution(
  access: GatewayAccess,
  pauseId: string,
  body: ResolutionBody,
): Promise<{ traceId: string; state: number }> {
  const answer = (await call(access, `v1/pauses/${pauseId}/resolution`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })) as { trace_id?: unknown; state?: unknown }
  return { traceId: String(answer.trace_id ?? ''), state: Number(answer.state) }
}
