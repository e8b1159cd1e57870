import type { FastifyInstance } from 'fastify'
import { privateKeyToAccount } from 'viem/accounts'
import { nodeSha256 } from '../../keys/nodeSha256.ts'
import { buildProofBundle } from '../../proofs/buildProofBundle.ts'
import type { ApiContext } from '../ApiContext.ts'
import { errorSchema, traceIdParams } from '../schemas.ts'

/**
 * `GET /v1/traces/{traceId}/proof`: the `tml-proof/1` bundle of an MTL once a checkpoint holding
 * it is anchored; 202 with `Retry-After` until then; 404 for an unknown trace; 503 when the
 * gateway runs without an anchoring lane.
 */
export function proofRoutes(app: FastifyInstance, { gateway }: ApiContext): void {
  const checkpointSigner = privateKeyToAccount(gateway.keys.checkpointKey).address
  app.get<{ Params: { traceId: string } }>(
    '/v1/traces/:traceId/proof',
    {
      // Public: a bundle holds only hashes of pseudonymized content, and a UUIDv7 trace id has 74
      // random bits, so bundles cannot be enumerated.
      config: { public: true },
      schema: {
        summary: 'The proof bundle (tml-proof/1) of an MTL; 202 until anchored',
        params: traceIdParams,
        response: { '4XX': errorSchema, '5XX': errorSchema },
      },
    },
    async (request, reply) => {
      const { traceId } = request.params
      const entry = await gateway.store.entryByTraceId(traceId)
      if (!entry)
        return reply.code(404).send({ error: 'not_found', message: `no trace ${traceId}` })
      const lane = gateway.lane
      if (!lane) {
        return reply
          .code(503)
          .send({ error: 'no_anchoring', message: 'this gateway runs without an anchoring lane' })
      }
      const result = await buildProofBundle({
        entry,
        store: lane.store,
        logId: gateway.keys.logId,
        checkpointSigner,
        receiptPublicKey: gateway.signer.publicKey,
        confirmedEpochs: lane.chainStatus().map((c) => c.confirmedEpoch),
        hash: nodeSha256,
      })
      if (result.status === 'pending') {
        return reply
          .code(202)
          .header('retry-after', '1')
          .send({ status: 'pending', trace_id: traceId, seq: entry.seq, message: result.reason })
      }
      return result.bundle
    },
  )
}
