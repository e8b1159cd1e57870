import type { FastifyInstance } from 'fastify'
import type { ProofBundleLookup } from '../../service/createProofBundles.ts'
import { errorResponses, proofBundleSchema, proofPendingSchema, traceIdParams } from '../schemas.ts'

/** What the proof route uses: the bundle of a trace, or why there is none. */
export type ProofRouteServices = {
  proofs: { proofBundle(traceId: string): Promise<ProofBundleLookup> }
}

/**
 * `GET /v1/traces/{traceId}/proof`: the `tml-proof/1` bundle of an MTL once a checkpoint holding
 * it is anchored; 202 with `Retry-After` until then; 404 for an unknown trace; 503 when the
 * gateway runs without an anchoring lane.
 */
export function proofRoutes(app: FastifyInstance, { proofs }: ProofRouteServices): void {
  app.get<{ Params: { traceId: string } }>(
    '/v1/traces/:traceId/proof',
    {
      // Public: a bundle holds only hashes of pseudonymized content, and a UUIDv7 trace id has 74
      // random bits, so bundles cannot be enumerated.
      config: { public: true },
      schema: {
        operationId: 'getProofBundle',
        summary: 'The proof bundle (tml-proof/1) of an MTL; 202 until anchored',
        params: traceIdParams,
        response: { 200: proofBundleSchema, 202: proofPendingSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { traceId } = request.params
      const found = await proofs.proofBundle(traceId)
      switch (found.status) {
        case 'unknown':
          return reply.code(404).send({ error: 'not_found', message: `no trace ${traceId}` })
        case 'no_anchoring':
          return reply
            .code(503)
            .send({ error: 'no_anchoring', message: 'this gateway runs without an anchoring lane' })
        case 'pending':
          return reply
            .code(202)
            .header('retry-after', '1')
            .send({ status: 'pending', trace_id: traceId, seq: found.seq, message: found.reason })
        case 'anchored':
          return found.bundle
      }
    },
  )
}
