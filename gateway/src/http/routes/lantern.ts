import type { FastifyInstance } from 'fastify'
import type { LanternEvent } from '../../pause/Lantern.ts'
import { errorResponses, lanternQuery, mediaResponse } from '../schemas.ts'

/** What the Lantern route uses: the Lantern's state and its events. */
export type LanternRouteServices = {
  lantern: {
    readonly on: boolean
    /** Open pauses. */
    readonly pending: number
    readonly subscribers: number
    subscribe(listener: (event: LanternEvent) => void): () => void
  }
}

/** Most simultaneous Lantern streams; more are answered 503. */
export const MAX_LANTERN_CLIENTS = 256

/**
 * `GET /v1/lantern`: the Lantern as a server-sent event stream (text/event-stream). It opens with
 * a `status` event (Lantern on or off, open pauses), then sends every `pause` and `resolution`
 * event, and a comment every 15 s so that proxies keep it open.
 *
 * Spec: WHATWG HTML, server-sent events; Sacred Pause Protocol §5 phase 1 (Lantern signal).
 */
export function lanternRoutes(app: FastifyInstance, { lantern }: LanternRouteServices): void {
  app.get(
    '/v1/lantern',
    {
      schema: {
        operationId: 'lanternEvents',
        summary: 'Lantern event stream (SSE)',
        querystring: lanternQuery,
        response: {
          200: mediaResponse(
            'text/event-stream',
            'Events status, pause and resolution (JSON data), and keep-alive comments',
            { type: 'string' },
          ),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      if (lantern.subscribers >= MAX_LANTERN_CLIENTS) {
        return reply
          .code(503)
          .send({ error: 'too_many_streams', message: 'too many Lantern streams' })
      }
      reply.hijack()
      const res = reply.raw
      // hijack() drops the headers set through `reply` (CORS among them): carry them over.
      for (const [name, value] of Object.entries(reply.getHeaders()))
        if (value !== undefined) res.setHeader(name, value)
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      const send = (type: string, data: unknown) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
      send('status', { lantern: lantern.on, pending: lantern.pending })
      const unsubscribe = lantern.subscribe((event: LanternEvent) => send(event.type, event))
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
      heartbeat.unref()
      const stop = () => {
        clearInterval(heartbeat)
        unsubscribe()
      }
      request.raw.on('close', stop)
      res.on('error', stop)
    },
  )
}
