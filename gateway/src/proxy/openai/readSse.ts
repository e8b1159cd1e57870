/** One server-sent event: its `event` name (null when absent) and its joined `data` lines. */
export type SseEvent = { event: string | null; data: string }

/**
 * Reads server-sent events from a byte stream (the WHATWG format: lines, `data:` fields joined
 * by newlines, a blank line ends an event, `:` lines are comments). Ends when the stream ends; a
 * last event without its blank line is still yielded.
 *
 * Spec: HTML Living Standard, "Server-sent events", event stream interpretation.
 *
 * @example
 * for await (const e of readSse(response.body)) if (e.data !== '[DONE]') JSON.parse(e.data)
 */
export async function* readSse(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  let data: string[] = []
  let event: string | null = null
  const line = function* (text: string): Generator<SseEvent> {
    if (text === '') {
      if (data.length > 0) yield { event, data: data.join('\n') }
      data = []
      event = null
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
  }
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true })
    let at = buffer.search(/\r\n|\r|\n/)
    while (at >= 0) {
      const text = buffer.slice(0, at)
      const sep = buffer.startsWith('\r\n', at) ? 2 : 1
      buffer = buffer.slice(at + sep)
      yield* line(text)
      at = buffer.search(/\r\n|\r|\n/)
    }
  }
  buffer += decoder.decode()
  if (buffer !== '') yield* line(buffer)
  yield* line('')
}
