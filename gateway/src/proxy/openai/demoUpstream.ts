import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A chat request the demo upstream received (tests assert what reached the model). */
export type DemoUpstreamRequest = {
  path: string
  body: Record<string, unknown>
  authorization: string | undefined
}

/** A running demo upstream. */
export type DemoUpstream = {
  /** Base URL as OpenAI clients take it: `http://127.0.0.1:PORT/v1`. */
  url: string
  port: number
  /**
   * The requests received, in order: the last `keep` of them (and at most twice that between two
   * trims), so that a demo left running, or a long benchmark, does not hold every one.
   */
  requests: DemoUpstreamRequest[]
  /** How many TCP connections were opened to it (tests assert that callers keep them alive). */
  connections: () => number
  close: () => Promise<void>
}

/** The model id the demo upstream answers as. */
export const DEMO_MODEL = 'tml-demo-1'

/**
 * A small local server that speaks the OpenAI protocol with deterministic answers, for tests,
 * benchmarks and `npm start` (these machines reach no model service). It answers
 * `POST /v1/chat/completions` (JSON, or server-sent events with `stream: true`), `GET /v1/models`
 * and `POST /v1/moderations`. The answer echoes the last user message; its token
 * log-probabilities are confident unless the message contains "maybe" (then nearly uniform, so
 * an ambiguity trigger pauses). Markers in the last user message drive failures:
 * `[[slow:MS]]` waits before answering, `[[malformed]]` answers a body that is not a completion,
 * `[[error]]` answers 500, `[[chunk-delay:MS]]` waits between streamed chunks. The moderation
 * endpoint scores "attack" 0.97 and "weapon" 0.6 (category `violence`), anything else 0.01.
 *
 * @example
 * const upstream = await startDemoUpstream()
 * const client = new OpenAI({ baseURL: upstream.url, apiKey: 'none' })
 */
export async function startDemoUpstream({
  port = 0,
  host = '127.0.0.1',
  apiKey,
  keep = 1000,
}: {
  port?: number
  host?: string
  apiKey?: string
  /** How many of the last requests `requests` keeps (default 1,000). */
  keep?: number
} = {}): Promise<DemoUpstream> {
  if (!Number.isSafeInteger(keep) || keep < 1)
    throw new RangeError(`the demo upstream keeps at least one request, not ${keep}`)
  const requests: DemoUpstreamRequest[] = []
  let received = 0
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  server.keepAliveTimeout = 30_000
  let connections = 0
  server.on('connection', () => {
    connections++
  })
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`)
      return json(res, 401, {
        error: { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' },
      })
    if (req.method === 'GET' && path === '/v1/models')
      return json(res, 200, {
        object: 'list',
        data: [{ id: DEMO_MODEL, object: 'model', created: 0, owned_by: 'tml-demo' }],
      })
    if (req.method !== 'POST')
      return json(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } })
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>
    requests.push({ path, body, authorization: req.headers.authorization })
    received++
    // Trimmed by halves, not one by one: a shift per request would copy the whole array each time.
    if (requests.length >= 2 * keep) requests.splice(0, requests.length - keep)
    if (path === '/v1/moderations') return json(res, 200, moderation(String(body.input ?? '')))
    if (path !== '/v1/chat/completions')
      return json(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } })
    const prompt = lastUserText(body.messages)
    const slow = /\[\[slow:(\d+)\]\]/.exec(prompt)
    if (slow) await sleep(Number(slow[1]))
    if (prompt.includes('[[error]]'))
      return json(res, 500, { error: { message: 'demo upstream failure', type: 'server_error' } })
    if (prompt.includes('[[malformed]]'))
      return json(res, 200, { answer: 'this is not a chat completion' })
    const tokens = answerTokens(prompt)
    const logprobs =
      body.logprobs === true
        ? tokens.map((t) => tokenLogprob(t, prompt, Number(body.top_logprobs ?? 0)))
        : null
    const usage = {
      prompt_tokens: promptTokens(body.messages),
      completion_tokens: tokens.length,
      total_tokens: promptTokens(body.messages) + tokens.length,
    }
    const id = `chatcmpl-demo-${received}`
    const created = 1_700_000_000
    if (body.stream !== true) {
      return json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: DEMO_MODEL,
        system_fingerprint: 'fp_demo',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: tokens.join(''), refusal: null },
            logprobs: logprobs && { content: logprobs, refusal: null },
            finish_reason: 'stop',
          },
        ],
        usage,
      })
    }
    const delay = Number(/\[\[chunk-delay:(\d+)\]\]/.exec(prompt)?.[1] ?? 0)
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    })
    const base = {
      id,
      object: 'chat.completion.chunk',
      created,
      model: DEMO_MODEL,
      system_fingerprint: 'fp_demo',
    }
    const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`)
    event({
      ...base,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        },
      ],
    })
    for (const [i, t] of tokens.entries()) {
      if (delay > 0) await sleep(delay)
      if (res.destroyed) return
      event({
        ...base,
        choices: [
          {
            index: 0,
            delta: { content: t },
            logprobs: logprobs && { content: [logprobs[i]] },
            finish_reason: null,
          },
        ],
      })
    }
    event({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] })
    if ((body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true)
      event({ ...base, choices: [], usage })
    res.end('data: [DONE]\n\n')
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${bound}/v1`,
    port: bound,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    req.on('error', reject)
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return ''
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown }
    if (m?.role === 'user')
      return typeof m.content === 'string' ? m.content : JSON.stringify(m.content)
  }
  return ''
}

/** The deterministic answer, cut into tokens (words with their leading space). */
function answerTokens(prompt: string): string[] {
  const clean = prompt.replace(/\[\[[^\]]*\]\]/g, '').trim()
  const text = `You said: ${clean || '(nothing)'}.`
  return text.match(/\s*\S+/g) ?? [text]
}

function promptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0
  return messages.reduce((n: number, m) => n + JSON.stringify(m).split(/\s+/).length, 0)
}

/** Confident alternatives, or nearly uniform ones when the prompt says "maybe". */
function tokenLogprob(token: string, prompt: string, k: number) {
  const unsure = /\bmaybe\b/i.test(prompt)
  const alternatives = Math.max(1, Math.min(20, k))
  const values = unsure
    ? Array.from({ length: alternatives }, () => Math.log(1 / alternatives))
    : Array.from({ length: alternatives }, (_, i) => (i === 0 ? -0.0001 : -12 - i))
  return {
    token,
    logprob: values[0] as number,
    bytes: [...Buffer.from(token)],
    top_logprobs: values.map((logprob, i) => ({
      token: i === 0 ? token : `${token}~${i}`,
      logprob,
      bytes: null,
    })),
  }
}

function moderation(text: string) {
  const violence = /attack/i.test(text) ? 0.97 : /weapon/i.test(text) ? 0.6 : 0.01
  return {
    id: 'modr-demo',
    model: 'tml-demo-moderation',
    results: [
      {
        flagged: violence > 0.5,
        categories: { violence: violence > 0.5, harassment: false },
        category_scores: { violence, harassment: 0.001 },
      },
    ],
  }
}
