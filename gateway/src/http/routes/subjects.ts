import type { FastifyInstance } from 'fastify'
import { StoreError } from '../../memory/StoreError.ts'
import type { ErasureAnswer } from '../../service/DecisionService.ts'
import { erasureSchema, errorResponses, subjectParams } from '../schemas.ts'

/** What the erasure route uses: the erasure itself. */
export type SubjectRouteServices = {
  erasures: {
    /** Undefined when the subject has no secret (never seen, or already erased). */
    erase(p: { subjectId: string; caller: string }): Promise<ErasureAnswer | undefined>
  }
}

/**
 * `POST /v1/subjects/{id}/erasure`: crypto-shreds a subject's secret and logs the erasure
 * without personal data. 404 when the subject has no secret (never seen or already erased).
 */
export function subjectRoutes(app: FastifyInstance, { erasures }: SubjectRouteServices): void {
  app.post<{ Params: { id: string } }>(
    '/v1/subjects/:id/erasure',
    {
      schema: {
        operationId: 'eraseSubject',
        summary: 'Erase a subject (crypto-shredding), logged',
        params: subjectParams,
        response: { 200: erasureSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      try {
        const erased = await erasures.erase({
          subjectId: request.params.id,
          caller: request.caller,
        })
        if (!erased)
          return reply.code(404).send({
            error: 'not_found',
            message: 'no such subject (never seen, or already erased)',
          })
        return erased
      } catch (e) {
        if (e instanceof StoreError)
          return reply
            .code(503)
            .send({ error: 'log_unavailable', message: `nothing was erased: ${e.code}` })
        throw e
      }
    },
  )
}
