import { UpstreamError } from './errors.ts'

/** One token's log-probability and its alternatives, as OpenAI returns them. */
export type TokenLogprob = {
  token: string
  logprob: number
  top_logprobs?: { token: string; logprob: number }[]
}

/** One choice of a chat completion (the fields the proxy reads; others pass unchanged). */
export type ChatChoice = {
  index: number
  message: { role: string; content?: string | null; [k: string]: unknown }
  finish_reason: string | null
  logprobs?: { content?: TokenLogprob[] | null; [k: string]: unknown } | null
  [k: string]: unknown
}

/** Token usage of a completion. */
export type ChatUsage = {
  prompt_tokens?: number
  completion_tokens?: number
  total_tokens?: number
}

/** An OpenAI chat completion (`object: chat.completion`), as far as the proxy reads it. */
export type ChatCompletion = {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: ChatChoice[]
  usage?: ChatUsage
  system_fingerprint?: string | null
  [k: string]: unknown
}

/**
 * Checks that an upstream's JSON is a chat completion the proxy can decide on: an id, a model, a
 * list of choices each with a message. Anything else is a malformed answer, never passed on.
 *
 * @example
 * const completion = parseChatCompletion(await response.json())
 */
export function parseChatCompletion(value: unknown): ChatCompletion {
  const bad = (reason: string) => new UpstreamError({ kind: 'malformed', reason })
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw bad('the answer is not a JSON object')
  const c = value as Record<string, unknown>
  if (typeof c.id !== 'string') throw bad('id: missing or not a string')
  if (typeof c.model !== 'string' || c.model === '') throw bad('model: missing or not a string')
  if (!Array.isArray(c.choices) || c.choices.length === 0) throw bad('choices: missing or empty')
  c.choices.forEach((choice: unknown, i) => {
    const m = (choice as { message?: unknown } | null)?.message
    if (m === null || typeof m !== 'object') throw bad(`choices.${i}.message: missing`)
    const content = (m as { content?: unknown }).content
    if (content !== undefined && content !== null && typeof content !== 'string')
      throw bad(`choices.${i}.message.content: not a string`)
  })
  if (c.usage !== undefined && c.usage !== null && typeof c.usage !== 'object')
    throw bad('usage: not an object')
  return value as ChatCompletion
}

/**
 * The per-token top log-probabilities of the first choice, for the engine's token entropy
 * (`signals.token_logprobs`): each token's alternatives, or its own log-probability when the
 * upstream gave no alternatives. Undefined when the answer has none. A value that is not a
 * finite number at most 0 makes the answer malformed.
 *
 * @example
 * tokenLogprobs(completion.choices[0]?.logprobs?.content) // [[-0.01, -4.2], …]
 */
export function tokenLogprobs(
  content: readonly TokenLogprob[] | null | undefined,
): number[][] | undefined {
  if (!content || content.length === 0) return undefined
  return content.map((t, i) => {
    const values =
      t.top_logprobs && t.top_logprobs.length > 0
        ? t.top_logprobs.map((a) => a.logprob)
        : [t.logprob]
    for (const v of values)
      if (typeof v !== 'number' || !Number.isFinite(v) || v > 0)
        throw new UpstreamError({
          kind: 'malformed',
          reason: `logprobs.content.${i}: a log-probability must be a finite number ≤ 0`,
        })
    return values
  })
}
