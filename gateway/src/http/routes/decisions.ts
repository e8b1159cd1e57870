import type { FastifyInstance } from 'fastify'
import { validateSignals } from '../../engine/validateSignals.ts'
import { type DecisionInput, InvalidEvidenceError } from '../../service/DecisionService.ts'
import type { ApiContext } from '../ApiContext.ts'
import { decisionAnswerSchema, decisionBodySchema, errorSchema } from '../schemas.ts'

/**
 * `POST /v1/decisions`: decide, log durably, answer (spec §8 `process_request`). The body is
 * validated by schema, then semantically (signals) and for a canonical form (RFC 8785) before
 * anything is decided, so an invalid request stores nothing.
 */
export function decisionRoutes(app: FastifyInstance, { gateway }: ApiContext): void {
  app.post<{ Body: DecisionInput }>(
    '/v1/decisions',
    {
      schema: {
        summary: 'Decide +1 / 0 / -1 and log the MTL before answering',
        body: decisionBodySchema,
        response: { 200: decisionAnswerSchema, '4XX': errorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body
      if (!gateway.policies.has(body.profile)) {
        return reply.code(400).send({
          error: 'unknown_profile',
          message: `profile: no policy "${body.profile}"`,
          field: 'profile',
        })
      }
      const issue = validateSignals(body.signals)[0]
      if (issue)
        return reply.code(400).send({
          error: 'invalid_request',
          message: `${issue.field}: ${issue.reason}`,
          field: issue.field,
        })
      try {
        return await gateway.service.decide({ input: body, caller: request.caller })
      } catch (e) {
        if (!(e instanceof InvalidEvidenceError)) throw e
        return reply
          .code(400)
          .send({ error: 'invalid_request', message: e.shortMessage, field: e.field })
      }
    },
  )
}
