import type { FastifyInstance } from 'fastify'
import type { ApiContext } from '../ApiContext.ts'
import { errorSchema, traceIdParams } from '../schemas.ts'

/** `GET /v1/traces/{traceId}`: an MTL as logged, with its leaf hash and receipt. */
export function traceRoutes(app: FastifyInstance, { gateway }: ApiContext): void {
  app.get<{ Params: { traceId: string } }>(
    '/v1/traces/:traceId',
    {
      schema: {
        summary: 'An MTL as logged, with its receipt',
        params: traceIdParams,
        response: { '4XX': errorSchema },
      },
    },
    async (request, reply) => {
      const entry = await gateway.store.entryByTraceId(request.params.traceId)
      if (!entry)
        return reply
          .code(404)
          .send({ error: 'not_found', message: `no trace ${request.params.traceId}` })
      const resolution =
        entry.kind === 'decision' && entry.state === 0
          ? await gateway.store.resolutionOf(entry.traceId)
          : undefined
      // The MTL is served as stored text: its bytes are exactly what the leaf hash covers.
      const body = `{"trace_id":${JSON.stringify(entry.traceId)},"seq":${entry.seq},"leaf_hash":"${entry.leafHash}","mtl":${entry.mtl},"receipt":${JSON.stringify(entry.receipt)},"resolved_by":${resolution ? JSON.stringify(resolution.traceId) : 'null'}}`
      return reply.type('application/json; charset=utf-8').send(body)
    },
  )
}
