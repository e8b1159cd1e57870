import type { FastifyInstance } from 'fastify'
import { validateSignals } from '../../engine/validateSignals.ts'
import {
  type DecisionAnswer,
  type DecisionInput,
  InvalidEvidenceError,
} from '../../service/DecisionService.ts'
import { ModelHashRequiredError } from '../../service/ModelHashRequiredError.ts'
import { decisionAnswerSchema, decisionBodySchema, errorResponses } from '../schemas.ts'

/** What the decision route uses: which profiles exist, and the decision itself. */
export type DecisionRouteServices = {
  /** The loaded policies, by profile (an unknown profile is answered 400 before deciding). */
  profiles: { has(profile: string): boolean }
  decisions: {
    decide(p: { input: DecisionInput; caller: string; arrivedMs?: number }): Promise<DecisionAnswer>
  }
}

/**
 * `POST /v1/decisions`: decide, log durably, answer (spec §8 `process_request`). The body is
 * validated by schema, then semantically (signals) and for a canonical form (RFC 8785) before
 * anything is decided, so an invalid request stores nothing.
 */
export function decisionRoutes(
  app: FastifyInstance,
  { profiles, decisions }: DecisionRouteServices,
): void {
  app.post<{ Body: DecisionInput }>(
    '/v1/decisions',
    {
      schema: {
        operationId: 'decide',
        summary: 'Decide +1 / 0 / -1 and log the MTL before answering',
        body: decisionBodySchema,
        response: { 200: decisionAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      if (!profiles.has(body.profile)) {
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
        return await decisions.decide({
          input: body,
          caller: request.caller,
          arrivedMs: request.arrivedMs,
        })
      } catch (e) {
        // Refused before deciding: no MTL, like every other invalid request.
        if (e instanceof ModelHashRequiredError)
          return reply
            .code(400)
            .send({ error: 'model_hash_required', message: e.shortMessage, field: e.field })
        if (!(e instanceof InvalidEvidenceError)) throw e
        return reply
          .code(400)
          .send({ error: 'invalid_request', message: e.shortMessage, field: e.field })
      }
    },
  )
}
