import type { FastifyInstance } from 'fastify'
import {
  errorResponses,
  livenessSchema,
  mediaResponse,
  notReadySchema,
  readySchema,
} from '../schemas.ts'

/** What the health routes use: the log store's state, and the metrics as text. */
export type HealthRouteServices = {
  /** Always Memory: whether it takes durable writes, why not, and how many MTLs it holds. */
  memory: {
    readonly available: boolean
    readonly reason: string | undefined
    readonly size: number
  }
  /** The Prometheus exposition of the gateway's metrics (a prom-client registry fits). */
  metrics: { metrics(): Promise<string>; readonly contentType: string }
}

/** `/healthz` (the process runs), `/readyz` (it can log, so it can say +1), `/metrics`. */
export function healthRoutes(app: FastifyInstance, { memory, metrics }: HealthRouteServices): void {
  const open = { config: { public: true } }
  app.get(
    '/healthz',
    {
      ...open,
      schema: {
        operationId: 'liveness',
        summary: 'Liveness',
        response: { 200: livenessSchema, ...errorResponses },
      },
    },
    async () => ({ status: 'ok' }),
  )
  app.get(
    '/readyz',
    {
      ...open,
      schema: {
        operationId: 'readiness',
        summary: 'Readiness: the log store takes durable writes',
        response: { 200: readySchema, ...errorResponses, 503: notReadySchema },
      },
    },
    async (_request, reply) => {
      if (memory.available) return { ready: true, log_size: memory.size }
      return reply.code(503).send({ ready: false, reason: memory.reason ?? 'unknown' })
    },
  )
  app.get(
    '/metrics',
    {
      ...open,
      schema: {
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        response: {
          200: mediaResponse('text/plain', 'Prometheus text format 0.0.4', { type: 'string' }),
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()),
  )
}
