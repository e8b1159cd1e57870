import type { ProxyPolicy } from './types.ts'
import type { PolicyPathIssue } from './validatePolicy.ts'

const KEYS = [
  'logprobs',
  'top_logprobs',
  'monitor',
  'stream_release_tokens',
  'wait_ms',
  'safe_state',
  'energy_per_token_j',
  'upstream_timeout_ms',
]
const MAX_URL_LENGTH = 2048

/**
 * Checks a policy's `proxy` section: how the inline OpenAI-compatible proxy treats this profile
 * (upstream log-probabilities, a moderation-format safety monitor, how many streamed tokens leave
 * before the decision, how long a pause is held, the real-time safe state, energy per token).
 * Pushes every issue with its path into `issues`; returns the section with defaults applied, or
 * undefined when it has issues.
 *
 * @example
 * const issues: PolicyPathIssue[] = []
 * validateProxySection({ raw: { logprobs: true }, timing: 'real_time', issues }) // { logprobs: true, topLogprobs: 5, … }
 */
export function validateProxySection({
  raw,
  timing,
  issues,
}: {
  raw: unknown
  timing: 'real_time' | 'deliberative'
  issues: PolicyPathIssue[]
}): ProxyPolicy | undefined {
  const before = issues.length
  const issue = (path: (string | number)[], reason: string) =>
    issues.push({ path: ['proxy', ...path], reason })
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ path: ['proxy'], reason: 'must be a mapping' })
    return undefined
  }
  const o = raw as Record<string, unknown>
  for (const key of Object.keys(o))
    if (!KEYS.includes(key))
      issues.push({
        path: ['proxy', key],
        reason: `unknown member (allowed: ${KEYS.join(', ')})`,
        atKey: true,
      })
  const integer = (v: unknown, path: string, min: number, max: number, fallback: number) => {
    if (v === undefined) return fallback
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      issue([path], `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`)
      return fallback
    }
    return v
  }
  let logprobs = false
  if (o.logprobs !== undefined) {
    if (typeof o.logprobs === 'boolean') logprobs = o.logprobs
    else issue(['logprobs'], 'must be true or false')
  }
  const section: ProxyPolicy = {
    logprobs,
    // OpenAI accepts 0 to 20 alternatives per token.
    topLogprobs: integer(o.top_logprobs, 'top_logprobs', 1, 20, 5),
    streamReleaseTokens: integer(o.stream_release_tokens, 'stream_release_tokens', 0, 100_000, 0),
    waitMs: integer(o.wait_ms, 'wait_ms', 0, 600_000, 0),
    upstreamTimeoutMs: integer(o.upstream_timeout_ms, 'upstream_timeout_ms', 1, 600_000, 60_000),
  }
  if (o.monitor !== undefined) {
    const m = o.monitor as Record<string, unknown> | null
    if (m === null || typeof m !== 'object' || Array.isArray(m))
      issue(['monitor'], 'must be a mapping with url and timeout_ms')
    else {
      for (const key of Object.keys(m))
        if (key !== 'url' && key !== 'timeout_ms')
          issues.push({
            path: ['proxy', 'monitor', key],
            reason: 'unknown member (allowed: url, timeout_ms)',
            atKey: true,
          })
      const url = checkUrl(m.url)
      if (typeof url === 'string') issue(['monitor', 'url'], url)
      const timeoutMs = integer(m.timeout_ms, 'monitor.timeout_ms', 1, 600_000, 2000)
      if (typeof url !== 'string') section.monitor = { url: url.href, timeoutMs }
    }
  }
  if (o.safe_state !== undefined) {
    const s = o.safe_state as Record<string, unknown> | null
    if (timing !== 'real_time')
      issue(['safe_state'], 'only a real_time profile answers a pause with a safe state at once')
    else if (
      s === null ||
      typeof s !== 'object' ||
      Array.isArray(s) ||
      typeof s.content !== 'string' ||
      s.content.length === 0 ||
      s.content.length > 4000 ||
      Object.keys(s).length !== 1
    )
      issue(
        ['safe_state'],
        'must be a mapping with one member, content: a text of 1 to 4000 characters',
      )
    else section.safeState = { content: s.content }
  }
  if (o.energy_per_token_j !== undefined) {
    const e = o.energy_per_token_j
    if (typeof e !== 'number' || !Number.isFinite(e) || e < 0 || e > 1e6)
      issue(
        ['energy_per_token_j'],
        `must be a number of joules from 0 to 1000000, got ${JSON.stringify(e)}`,
      )
    else section.energyPerTokenJ = e
  }
  return issues.length > before ? undefined : section
}

/** The URL, or why it is not one a policy may name (no credentials: a policy is public). */
function checkUrl(raw: unknown): URL | string {
  if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH) return 'must be an http or https URL'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return `must be an absolute http or https URL, got ${JSON.stringify(raw)}`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL'
  if (url.username !== '' || url.password !== '')
    return 'must not carry credentials (user:password@): a policy is not a secret store'
  return url
}
