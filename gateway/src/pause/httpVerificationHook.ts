import type { VerificationHookConfig } from '../policy/types.ts'
import { VerificationHookError } from './errors.ts'
import type { VerificationHook, VerificationVerdict } from './VerificationHook.ts'

/** Version of the request body, so that a hook can refuse a shape it does not know. */
export const VERIFICATION_REQUEST_VERSION = 'tml-verification-request/1'

/** Largest answer read: a verdict and a rationale, not a document. */
const MAX_ANSWER_BYTES = 64 * 1024
/** Longest rationale accepted (only its SHA-256 goes into the log). */
const MAX_RATIONALE_LENGTH = 10_000

/**
 * The {@link VerificationHook} of a policy's `verification.hook`: POSTs the pause's evidence as
 * JSON (`{"v":"tml-verification-request/1", pause_id, trace_id, leaf_hash, profile, trigger_type,
 * trigger_detail, metrics, input_hash, deadline}`, never raw input) to the URL and takes a 2xx
 * answer `{"decision": 1 | -1, "rationale": "…"}` as the resolution. Anything else (no answer
 * within `timeoutMs`, a refused connection, a redirect, another status, a body that is not that
 * JSON) rejects with a {@link VerificationHookError} that says which, and the pause waits for a
 * reviewer. Redirects are not followed: the policy names the one endpoint trusted to decide.
 *
 * @example
 * const hook = httpVerificationHook({ url: 'http://127.0.0.1:9000/verify', timeoutMs: 2000, verifier: 'http://127.0.0.1:9000/verify' })
 * await hook(evidence, { signal }) // { decision: 1, rationale: 'matches an approved precedent' }
 */
export function httpVerificationHook({
  url,
  timeoutMs,
  verifier,
}: VerificationHookConfig): VerificationHook {
  return async (pause, options) => {
    const signal = options?.signal
      ? AbortSignal.any([AbortSignal.timeout(timeoutMs), options.signal])
      : AbortSignal.timeout(timeoutMs)
    let text: string
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ v: VERIFICATION_REQUEST_VERSION, ...pause }),
        redirect: 'error',
        signal,
      })
      if (!response.ok) {
        await response.body?.cancel()
        throw new VerificationHookError(verifier, `answered HTTP ${response.status}`)
      }
      text = await readLimited(response, verifier)
    } catch (e) {
      if (e instanceof VerificationHookError) throw e
      if (signal.aborted) {
        const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
        throw new VerificationHookError(
          verifier,
          timedOut ? `no answer within ${timeoutMs} ms` : 'request aborted (gateway closing)',
          e,
        )
      }
      const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause
      const why = typeof cause?.code === 'string' ? cause.code : (e as Error).message
      throw new VerificationHookError(verifier, `request failed (${why})`, e)
    }
    return parseVerdict(text, verifier)
  }
}

/** The body as text, refused past {@link MAX_ANSWER_BYTES} without reading the rest. */
async function readLimited(response: Response, verifier: string): Promise<string> {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel()
      throw new VerificationHookError(verifier, `answer larger than ${MAX_ANSWER_BYTES} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** `{ decision: 1 | -1, rationale: non-empty string }`; other members are ignored. */
function parseVerdict(text: string, verifier: string): VerificationVerdict {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new VerificationHookError(verifier, 'answer is not JSON')
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new VerificationHookError(verifier, 'answer is not a JSON object')
  const { decision, rationale } = body as { decision?: unknown; rationale?: unknown }
  if (decision !== 1 && decision !== -1)
    throw new VerificationHookError(
      verifier,
      `answer's "decision" must be 1 or -1, got ${(JSON.stringify(decision) ?? 'nothing').slice(0, 40)}`,
    )
  if (typeof rationale !== 'string' || rationale.length === 0)
    throw new VerificationHookError(verifier, 'answer\'s "rationale" must be a non-empty string')
  if (rationale.length > MAX_RATIONALE_LENGTH)
    throw new VerificationHookError(
      verifier,
      `answer's "rationale" is longer than ${MAX_RATIONALE_LENGTH} characters`,
    )
  return { decision, rationale }
}
