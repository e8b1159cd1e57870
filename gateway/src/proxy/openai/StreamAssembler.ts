import type { ChatChoice, ChatCompletion, ChatUsage, TokenLogprob } from './chatCompletion.ts'
import { UpstreamError } from './errors.ts'

type ToolCallDelta = {
  index: number
  id?: string
  type?: string
  function?: { name?: string; arguments?: string }
}
type ChoiceState = {
  role: string
  content: string
  hasContent: boolean
  toolCalls: Map<
    number,
    { id?: string; type: string; function: { name: string; arguments: string } }
  >
  finish: string | null
  logprobs: TokenLogprob[]
}

/**
 * Builds a chat completion out of the chunks of a stream (`chat.completion.chunk`), so that the
 * decision sees, and the log hashes, one answer whatever way it travelled. Each chunk is checked
 * as it arrives; a chunk that is not one makes the stream malformed.
 *
 * @example
 * const assembler = new StreamAssembler()
 * for (const data of events) assembler.add(JSON.parse(data))
 * assembler.completion().choices[0].message.content // 'Hello…'
 */
export class StreamAssembler {
  #id = ''
  #model = ''
  #created = 0
  #fingerprint: string | null = null
  #usage: ChatUsage | undefined
  readonly #choices = new Map<number, ChoiceState>()
  /** Chunks that carried content or a tool call's part: the unit the proxy releases and counts. */
  tokens = 0

  /** Adds one chunk; returns true when it carried content (a token). */
  add(chunk: unknown): boolean {
    const bad = (reason: string) =>
      new UpstreamError({ kind: 'malformed', reason: `stream chunk ${reason}` })
    if (chunk === null || typeof chunk !== 'object' || Array.isArray(chunk))
      throw bad('is not a JSON object')
    const c = chunk as Record<string, unknown>
    if (c.error !== undefined)
      throw new UpstreamError({
        kind: 'error_status',
        reason: `error event: ${JSON.stringify(c.error).slice(0, 200)}`,
      })
    if (typeof c.id === 'string') this.#id ||= c.id
    if (typeof c.model === 'string') this.#model ||= c.model
    if (typeof c.created === 'number') this.#created ||= c.created
    if (typeof c.system_fingerprint === 'string') this.#fingerprint = c.system_fingerprint
    if (c.usage !== undefined && c.usage !== null) {
      if (typeof c.usage !== 'object') throw bad('usage: not an object')
      this.#usage = c.usage as ChatUsage
    }
    if (!Array.isArray(c.choices)) throw bad('choices: missing')
    let token = false
    for (const raw of c.choices as unknown[]) {
      const choice = raw as {
        index?: unknown
        delta?: unknown
        finish_reason?: unknown
        logprobs?: unknown
      }
      if (
        typeof choice?.index !== 'number' ||
        choice.delta === null ||
        typeof choice.delta !== 'object'
      )
        throw bad('choices: an entry without index or delta')
      const delta = choice.delta as { role?: unknown; content?: unknown; tool_calls?: unknown }
      let state = this.#choices.get(choice.index)
      if (!state) {
        state = {
          role: 'assistant',
          content: '',
          hasContent: false,
          toolCalls: new Map(),
          finish: null,
          logprobs: [],
        }
        this.#choices.set(choice.index, state)
      }
      if (typeof delta.role === 'string') state.role = delta.role
      if (delta.content !== undefined && delta.content !== null) {
        if (typeof delta.content !== 'string') throw bad('delta.content: not a string')
        state.content += delta.content
        state.hasContent = true
        if (delta.content !== '') token = true
      }
      if (Array.isArray(delta.tool_calls)) {
        for (const t of delta.tool_calls as ToolCallDelta[]) {
          if (typeof t?.index !== 'number') throw bad('delta.tool_calls: an entry without index')
          const call = state.toolCalls.get(t.index) ?? {
            type: 'function',
            function: { name: '', arguments: '' },
          }
          if (typeof t.id === 'string') call.id = t.id
          if (typeof t.type === 'string') call.type = t.type
          if (typeof t.function?.name === 'string') call.function.name += t.function.name
          if (typeof t.function?.arguments === 'string')
            call.function.arguments += t.function.arguments
          state.toolCalls.set(t.index, call)
          token = true
        }
      }
      if (typeof choice.finish_reason === 'string') state.finish = choice.finish_reason
      const lp = (choice.logprobs as { content?: unknown } | null | undefined)?.content
      if (Array.isArray(lp)) state.logprobs.push(...(lp as TokenLogprob[]))
    }
    if (token) this.tokens++
    return token
  }

  /** The completion so far (complete once the stream ended). */
  completion(): ChatCompletion {
    const choices: ChatChoice[] = [...this.#choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, s]) => ({
        index,
        message: {
          role: s.role,
          content: s.hasContent || s.toolCalls.size === 0 ? s.content : null,
          ...(s.toolCalls.size > 0
            ? {
                tool_calls: [...s.toolCalls.entries()]
                  .sort(([a], [b]) => a - b)
                  .map(([, call]) => call),
              }
            : {}),
        },
        finish_reason: s.finish,
        ...(s.logprobs.length > 0 ? { logprobs: { content: s.logprobs } } : {}),
      }))
    return {
      id: this.#id,
      object: 'chat.completion',
      created: this.#created,
      model: this.#model,
      choices,
      ...(this.#usage ? { usage: this.#usage } : {}),
      ...(this.#fingerprint === null ? {} : { system_fingerprint: this.#fingerprint }),
    }
  }
}
