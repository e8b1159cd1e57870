import { bytesToHex, canonicalBytes, type Hex, IDENTIFIER_PATTERN, type MtlModel } from '@tml/core'
import { nodeSha256 } from '../../keys/nodeSha256.ts'
import type { MonitorScores } from './callMonitor.ts'
import type { ChatCompletion, ChatUsage } from './chatCompletion.ts'

/** The route's name in `context.route`, so one policy can tell proxied calls from others. */
export const CHAT_ROUTE = 'openai.chat.completions'

/**
 * What the policy's rules read about a chat request. `input` is the caller's request body as
 * sent (OpenAI's field names: `input.model`, `input.messages.0.content`, `input.tools`,
 * `input.metadata.*`, …), so its hash in the MTL is the hash of what the caller asked.
 * `context` adds what a rule cannot easily compute from it:
 * - `context.route`: `openai.chat.completions`
 * - `context.caller`: the API key's caller name
 * - `context.stream`: whether the caller asked for a stream
 * - `context.last_user_message`: the text of the last `user` message (parts joined)
 * - `context.messages_text`: every message's text, joined by newlines
 * - `context.tool_names`: the names of the functions offered in `tools`
 * - `context.message_count`: how many messages were sent
 *
 * @example
 * requestEvidence({ body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, caller: 'app' }).context.last_user_message // 'hi'
 */
export function requestEvidence({
  body,
  caller,
}: {
  body: Record<string, unknown>
  caller: string
}): { input: Record<string, unknown>; context: Record<string, unknown> } {
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : []
  const texts = messages.map((m) => messageText(m))
  let lastUser = ''
  for (let i = messages.length - 1; i >= 0; i--) {
    if ((messages[i] as { role?: unknown } | null)?.role === 'user') {
      lastUser = texts[i] ?? ''
      break
    }
  }
  const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : []
  const toolNames = tools
    .map((t) => (t as { function?: { name?: unknown } } | null)?.function?.name)
    .filter((n): n is string => typeof n === 'string')
  return {
    input: body,
    context: {
      route: CHAT_ROUTE,
      caller,
      stream: body.stream === true,
      last_user_message: lastUser,
      messages_text: texts.join('\n'),
      tool_names: toolNames,
      message_count: messages.length,
    },
  }
}

/** The text of one message: its string content, or its text parts joined. */
export function messageText(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((p) => (p as { type?: unknown; text?: unknown } | null)?.text)
    .filter((t): t is string => typeof t === 'string')
    .join('\n')
}

const IDENTIFIER = new RegExp(IDENTIFIER_PATTERN, 'u')

/**
 * The MTL's `model`: the id the upstream reported (made to fit the schema's identifier), and a
 * version hash that pins what the proxy can know of the deployment: the upstream's base URL, the
 * model id and the upstream's `system_fingerprint` when it sends one.
 *
 * @example
 * modelOf({ model: 'demo-1', upstream: 'http://127.0.0.1:8000/v1' }).id // 'demo-1'
 */
export function modelOf({
  model,
  upstream,
  fingerprint,
}: {
  model: string
  upstream: string
  fingerprint?: string | null | undefined
}): MtlModel {
  let id = model.replace(/[^A-Za-z0-9._:/@+=-]/g, '_').slice(0, 128)
  if (!IDENTIFIER.test(id)) id = 'unspecified'
  const version_hash: Hex = bytesToHex(
    nodeSha256(canonicalBytes({ upstream, model, system_fingerprint: fingerprint ?? null })),
  )
  return { id, version_hash }
}

/**
 * The measurements a proxied call adds to its MTL's metrics: the upstream's token usage, the
 * estimated energy when the profile declares its model's joules per token (the protocol's
 * Earth-protection metric), and the monitor's per-category scores (at most eight, highest first).
 *
 * @example
 * callMetrics({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }, energyPerTokenJ: 0.5 })
 * // { usage_prompt_tokens: 10, usage_completion_tokens: 5, usage_total_tokens: 15, energy_j: 7.5 }
 */
export function callMetrics({
  usage,
  energyPerTokenJ,
  monitor,
}: {
  usage?: ChatUsage | undefined
  energyPerTokenJ?: number | undefined
  monitor?: MonitorScores | undefined
}): Record<string, number> {
  const m: Record<string, number> = {}
  const count = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined
  const prompt = count(usage?.prompt_tokens)
  const completion = count(usage?.completion_tokens)
  const total =
    count(usage?.total_tokens) ??
    (prompt !== undefined && completion !== undefined ? prompt + completion : undefined)
  if (prompt !== undefined) m.usage_prompt_tokens = prompt
  if (completion !== undefined) m.usage_completion_tokens = completion
  if (total !== undefined) m.usage_total_tokens = total
  if (energyPerTokenJ !== undefined && total !== undefined) m.energy_j = total * energyPerTokenJ
  if (monitor) {
    m.monitor_flagged = monitor.flagged ? 1 : 0
    const top = Object.entries(monitor.categories)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 8)
    for (const [name, score] of top) {
      const key = `monitor_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`
        .slice(0, 64)
        .replace(/_+$/, '')
      m[key] = Math.max(m[key] ?? 0, score)
    }
  }
  return m
}

/**
 * The completion as the caller receives it: the log-probabilities the proxy asked for on its own
 * are removed (the caller did not ask for them). Returns the same object when nothing changes.
 */
export function stripLogprobs(completion: ChatCompletion, callerAsked: boolean): ChatCompletion {
  if (callerAsked || !completion.choices.some((c) => c.logprobs !== undefined)) return completion
  return {
    ...completion,
    choices: completion.choices.map(({ logprobs: _dropped, ...choice }) => ({
      ...choice,
      logprobs: null,
    })),
  }
}
