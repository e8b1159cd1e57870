import { readFileSync } from 'node:fs'
import { BaseError } from '@tml/core'
import type { UpstreamConfig } from './upstream.ts'

/**
 * The proxy's options are wrong (a bad upstream URL, an unreadable key file, an unknown
 * profile). The gateway refuses to start, naming the option.
 *
 * @example
 * if (e instanceof ProxyConfigError) io.err(e.shortMessage)
 */
export class ProxyConfigError extends BaseError {
  override name = 'ProxyConfigError' as const
}

/** The proxy's settings as `buildServer` takes them. */
export type OpenAiProxyConfig = {
  upstream: UpstreamConfig
  defaultProfile: string
  callerProfiles: ReadonlyMap<string, string>
}

/**
 * Reads the OpenAI proxy's options (`--openai-upstream` and friends). Returns undefined when no
 * upstream is given (the proxy is off).
 *
 * @throws {ProxyConfigError} naming the option that is wrong.
 * @example
 * openAiProxyConfig({ upstream: 'http://127.0.0.1:8000/v1', callerProfiles: [], profiles })?.defaultProfile // 'general'
 */
export function openAiProxyConfig({
  upstream,
  keyFile,
  key,
  profile,
  callerProfiles,
  profiles,
}: {
  upstream: string | undefined
  keyFile?: string | undefined
  key?: string | undefined
  profile?: string | undefined
  callerProfiles: readonly string[]
  profiles: { has(profile: string): boolean }
}): OpenAiProxyConfig | undefined {
  if (upstream === undefined || upstream === '') return undefined
  let url: URL
  try {
    url = new URL(upstream)
  } catch {
    throw new ProxyConfigError(`--openai-upstream: not a URL: ${upstream}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProxyConfigError(
      `--openai-upstream: must be an http or https URL, got ${url.protocol}`,
    )
  if (url.username !== '' || url.password !== '')
    throw new ProxyConfigError(
      '--openai-upstream: no credentials in the URL; use --openai-upstream-key-file',
    )
  let apiKey = key
  if (keyFile !== undefined) {
    try {
      apiKey = readFileSync(keyFile, 'utf8').trim()
    } catch (e) {
      throw new ProxyConfigError(
        `--openai-upstream-key-file: cannot read ${keyFile}: ${(e as Error).message}`,
      )
    }
  }
  const defaultProfile = profile ?? 'general'
  if (!profiles.has(defaultProfile))
    throw new ProxyConfigError(`--openai-profile: no policy "${defaultProfile}"`)
  const byCaller = new Map<string, string>()
  for (const pair of callerProfiles) {
    const [caller, p] = pair.split('=')
    if (!caller || !p || !profiles.has(p))
      throw new ProxyConfigError(
        `--openai-caller-profile: expected CALLER=PROFILE with a loaded profile, got ${pair}`,
      )
    byCaller.set(caller, p)
  }
  return {
    upstream: { baseUrl: url.href.replace(/\/+$/, ''), ...(apiKey ? { apiKey } : {}) },
    defaultProfile,
    callerProfiles: byCaller,
  }
}
