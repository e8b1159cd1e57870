import { MAX_BUNDLE_BYTES } from './parseBundleText.ts'

export type FetchGatewayProofParameters = {
  gatewayUrl: string
  traceId: string
  /** Sent as a bearer token only when not blank: proofs are public on a current gateway. */
  apiKey?: string
  fetchFn?: typeof fetch
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Fetches the proof bundle of a trace from a gateway (`GET /v1/traces/{id}/proof`, public: no API
 * key unless one is given), directly from this page's origin (the gateway answers CORS), and says,
 * in words a person can act on, why there is none: 202 (logged, not anchored yet), 401/403 (this
 * gateway wants a key), 404 (unknown trace, or a gateway that does not serve proofs yet), an error
 * answer or no answer at all. The bundle is then verified like any other: the gateway is not
 * trusted.
 *
 * @example
 * const got = await fetchGatewayProof({ gatewayUrl: 'https://gw.example', traceId })
 * if (got.ok) verify(got.text); else show(got.message)
 */
export async function fetchGatewayProof({
  gatewayUrl,
  traceId,
  apiKey,
  fetchFn = fetch,
}: FetchGatewayProofParameters): Promise<
  { ok: true; text: string } | { ok: false; message: string }
> {
  let base: URL
  try {
    base = new URL(gatewayUrl.trim())
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('protocol')
  } catch {
    return {
      ok: false,
      message: 'The gateway URL must be an http(s) URL, like https://gateway.example.org.',
    }
  }
  const id = traceId.trim().toLowerCase()
  if (!UUID.test(id))
    return {
      ok: false,
      message: 'A trace id is a UUID, like 0192d4e0-6f00-7a11-9b22-3c4d5e6f7a8b.',
    }
  const url = new URL(`v1/traces/${id}/proof`, base.href.endsWith('/') ? base : `${base.href}/`)
  const headers: Record<string, string> = { accept: 'application/json' }
  const key = apiKey?.trim() ?? ''
  if (key !== '') headers.authorization = `Bearer ${key}`
  let response: Response
  try {
    response = await fetchFn(url, { headers })
  } catch {
    return {
      ok: false,
      message: `Could not reach ${base.origin}: check the URL, that the gateway is running, and that it allows this page's origin (CORS).`,
    }
  }
  if (response.status === 202) {
    const retry = response.headers.get('retry-after')
    return {
      ok: false,
      message: `Trace ${id} is logged but its checkpoint is not anchored yet, so there is no proof yet.${retry ? ` The gateway suggests trying again in ${retry} s.` : ' Try again after the log’s next epoch.'}`,
    }
  }
  if (response.status === 401 || response.status === 403)
    return {
      ok: false,
      message:
        key === ''
          ? `This gateway asks for an API key to serve proofs (${response.status}): fill in the API key field, or ask its operator for the bundle.`
          : `The gateway refused this API key (${response.status}).`,
    }
  if (response.status === 404)
    return {
      ok: false,
      message: `The gateway has no proof for trace ${id} (404): check the trace id, or the gateway does not serve proofs yet.`,
    }
  const text = await response.text()
  if (!response.ok) {
    let detail = ''
    try {
      const body = JSON.parse(text) as { message?: unknown }
      if (typeof body.message === 'string') detail = `: ${body.message.slice(0, 200)}`
    } catch {
      // Not a JSON error: the status says enough.
    }
    return { ok: false, message: `The gateway answered ${response.status}${detail}.` }
  }
  if (text.length > MAX_BUNDLE_BYTES)
    return { ok: false, message: 'The gateway sent more than a proof bundle can be.' }
  return { ok: true, text }
}
