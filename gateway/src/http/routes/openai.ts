import type { FastifyInstance, FastifyReply } from 'fastify'
import type { OpenAiProxy } from '../../proxy/openai/OpenAiProxy.ts'
import type { ProxyAnswer } from '../../proxy/openai/openAiErrors.ts'

/** What the OpenAI-compatible routes use: the proxy alone. */
export type OpenAiRouteServices = { proxy: OpenAiProxy }

const anyObject = { type: 'object' }

/**
 * The OpenAI-compatible inline proxy's routes: `POST /v1/chat/completions` (JSON or server-sent
 * events), `GET /v1/chat/completions/:traceId` (an answer a pause held) and `GET /v1/models`
 * (the upstream's, passed through). Callers authenticate with their gateway API key, which the
 * OpenAI clients send as `Authorization: Bearer`. The request body follows OpenAI's API and is
 * passed on, so it is not validated beyond what the proxy reads (see OpenAiProxy).
 */
export function openAiRoutes(app: FastifyInstance, { proxy }: OpenAiRouteServices): void {
  // The pooled upstream connections end with the server.
  app.addHook('onClose', async () => proxy.close())
  app.post<{ Body: unknown }>(
    '/v1/chat/completions',
    {
      schema: {
        operationId: 'openAiChatCompletions',
        summary: 'OpenAI-compatible chat completion, decided and logged before it is released',
        body: anyObject,
      },
    },
    async (request, reply) => {
      const header = (name: string) => {
        const v = request.headers[name]
        return typeof v === 'string' ? v : undefined
      }
      const proxied = {
        body: request.body,
        caller: request.caller,
        profile: header('x-tml-profile'),
        waitMs: header('x-tml-wait-ms'),
      }
      if ((request.body as { stream?: unknown } | null)?.stream === true) {
        // The proxy writes the events itself, as they are released. hijack() drops the headers
        // set through `reply` (CORS among them): carry them over to the raw answer.
        reply.hijack()
        for (const [name, value] of Object.entries(reply.getHeaders()))
          if (value !== undefined) reply.raw.setHeader(name, value)
        await proxy.stream(proxied, reply.raw)
        return
      }
      return send(reply, await proxy.complete(proxied))
    },
  )
  app.get<{ Params: { traceId: string } }>(
    '/v1/chat/completions/:traceId',
    {
      schema: {
        operationId: 'openAiHeldCompletion',
        summary: 'The answer a pause held, once approved (423 while pending)',
      },
    },
    async (request, reply) => {
      const wait = request.headers['x-tml-wait-ms']
      return send(
        reply,
        await proxy.held({
          traceId: request.params.traceId,
          caller: request.caller,
          waitMs: typeof wait === 'string' ? wait : undefined,
        }),
      )
    },
  )
  app.get(
    '/v1/models',
    { schema: { operationId: 'openAiModels', summary: "The upstream's models, passed through" } },
    async (_request, reply) => send(reply, await proxy.models()),
  )
}

function send(reply: FastifyReply, answer: ProxyAnswer): FastifyReply {
  void reply.code(answer.status).headers(answer.headers)
  if (answer.raw !== undefined)
    return reply.type('application/json; charset=utf-8').send(answer.raw)
  return reply.send(answer.body)
}
