import type { FastifyInstance } from 'fastify'
import type { ApiContext } from '../ApiContext.ts'
import { metricsText } from '../metricsText.ts'

/** `/healthz` (the process runs), `/readyz` (it can log, so it can say +1), `/metrics`. */
export function healthRoutes(app: FastifyInstance, { gateway }: ApiContext): void {
  const open = { config: { public: true } }
  app.get('/healthz', { ...open, schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }))
  app.get(
    '/readyz',
    { ...open, schema: { summary: 'Readiness: the log store takes durable writes' } },
    async (_request, reply) => {
      if (gateway.memory.available) return { ready: true, log_size: gateway.memory.size }
      return reply.code(503).send({ ready: false, reason: gateway.memory.reason ?? 'unknown' })
    },
  )
  app.get(
    '/metrics',
    { ...open, schema: { summary: 'Prometheus metrics' } },
    async (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(metricsText(gateway)),
  )
}
