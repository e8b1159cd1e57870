import type { FastifyInstance } from 'fastify'
import type { LogStore } from '../../memory/LogStore.ts'
import { errorResponses, traceIdParams, traceSchema } from '../schemas.ts'

/** What the trace route uses: the log store's lookups by trace id. */
export type TraceRouteServices = {
  traces: Pick<LogStore, 'entryByTraceId' | 'resolutionOf'>
}

/** `GET /v1/traces/{traceId}`: an MTL as logged, with its leaf hash and receipt. */
export function traceRoutes(app: FastifyInstance, { traces }: TraceRouteServices): void {
  app.get<{ Params: { traceId: string } }>(
    '/v1/traces/:traceId',
    {
      schema: {
        operationId: 'getTrace',
        summary: 'An MTL as logged, with its receipt',
        params: traceIdParams,
        response: { 200: traceSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const entry = await traces.entryByTraceId(request.params.traceId)
      if (!entry)
        return reply
          .code(404)
          .send({ error: 'not_found', message: `no trace ${request.params.traceId}` })
      const resolution =
        entry.kind === 'decision' && entry.state === 0
          ? await traces.resolutionOf(entry.traceId)
          : undefined
      // The MTL is served as stored text: its bytes are exactly what the leaf hash covers.
      const body = `{"trace_id":${JSON.stringify(entry.traceId)},"seq":${entry.seq},"leaf_hash":"${entry.leafHash}","mtl":${entry.mtl},"receipt":${JSON.stringify(entry.receipt)},"resolved_by":${resolution ? JSON.stringify(resolution.traceId) : 'null'}}`
      return reply.type('application/json; charset=utf-8').send(body)
    },
  )
}
