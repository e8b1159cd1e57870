import { type Hex, RESOLUTION_DOMAIN, RESOLUTION_TYPES } from '@tml/core'
import type { FastifyInstance } from 'fastify'
import { StoreError } from '../../memory/StoreError.ts'
import {
  PauseAlreadyResolvedError,
  PauseNotFoundError,
  ResolutionExpiredError,
} from '../../pause/errors.ts'
import type { OpenPause, PauseManager } from '../../pause/PauseManager.ts'
import { verifyResolution } from '../../pause/verifyResolution.ts'
import {
  errorResponses,
  MAX_WAIT_MS,
  pauseIdParams,
  pauseListSchema,
  pauseSchema,
  pausesQuery,
  resolutionBodySchema,
  resolutionSchema,
  waitQuery,
} from '../schemas.ts'

/** What the pause routes use: the open and resolved pauses, who may resolve them, the time. */
export type PauseRouteServices = {
  /** The log's id: reviewers sign it into every resolution. */
  logId: Hex
  pauses: Pick<PauseManager, 'get' | 'pending' | 'resolved' | 'wait' | 'resolve'>
  /** Addresses of the reviewers the profile's policy lists. */
  reviewersOf(profile: string): readonly string[]
  /** Unix ms (signature deadlines). */
  clock: () => number
}

type ResolutionBody = { decision: 1 | -1; rationale_hash: Hex; deadline: number; signature: Hex }

/**
 * Pause routes: list, read (long poll), and resolve with a reviewer's EIP-712 signature. The
 * resolution route is authenticated by that signature, not by an API key: only the policy's
 * reviewers can produce one.
 */
export function pauseRoutes(
  app: FastifyInstance,
  { logId, pauses, reviewersOf, clock }: PauseRouteServices,
): void {
  const view = (p: OpenPause) => ({
    pause_id: p.pauseId,
    status: 'pending' as const,
    profile: p.profile,
    trigger_type: p.mtl.trigger_type,
    trigger_detail: p.mtl.trigger_detail,
    metrics: p.mtl.metrics,
    seq: p.mtl.seq,
    leaf_hash: p.leafHash,
    created: p.mtl.timestamp,
    deadline: new Date(p.deadlineMs).toISOString(),
    // What a reviewer signs, minus decision, rationaleHash and deadline (the reviewer's choice).
    typed_data: {
      domain: RESOLUTION_DOMAIN,
      types: RESOLUTION_TYPES,
      primaryType: 'Resolution',
      message: { logId, pauseId: p.pauseId, pauseLeafHash: p.leafHash },
    },
  })

  app.get<{ Querystring: { status?: 'pending' | 'resolved' } }>(
    '/v1/pauses',
    {
      schema: {
        operationId: 'listPauses',
        summary: 'Open pauses, or the most recent resolutions',
        querystring: pausesQuery,
        response: { 200: pauseListSchema, ...errorResponses },
      },
    },
    async (request) => {
      if (request.query.status === 'resolved')
        return { pauses: pauses.resolved().map((r) => ({ status: 'resolved', ...r })) }
      return { pauses: pauses.pending().map(view) }
    },
  )

  app.get<{ Params: { pauseId: string }; Querystring: { wait_ms?: string } }>(
    '/v1/pauses/:pauseId',
    {
      schema: {
        operationId: 'getPause',
        summary: 'One pause; with wait_ms, held until it is resolved (long poll)',
        params: pauseIdParams,
        querystring: waitQuery,
        response: { 200: pauseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { pauseId } = request.params
      const waitMs = Math.min(Number(request.query.wait_ms ?? 0), MAX_WAIT_MS)
      try {
        const open = pauses.get(pauseId)
        const resolution = await pauses.wait(pauseId, waitMs)
        if (resolution) return { pause_id: pauseId, status: 'resolved', resolution }
        const still = pauses.get(pauseId) ?? open
        if (still) return view(still)
        return reply.code(404).send({ error: 'not_found', message: `no pause ${pauseId}` })
      } catch (e) {
        if (e instanceof PauseNotFoundError)
          return reply.code(404).send({ error: 'not_found', message: e.shortMessage })
        if (e instanceof PauseAlreadyResolvedError) return { pause_id: pauseId, status: 'resolved' }
        throw e
      }
    },
  )

  app.post<{ Params: { pauseId: string }; Body: ResolutionBody }>(
    '/v1/pauses/:pauseId/resolution',
    {
      config: { public: true },
      schema: {
        operationId: 'resolvePause',
        summary: 'Resolve a pause with a listed reviewer’s EIP-712 signature',
        params: pauseIdParams,
        body: resolutionBodySchema,
        response: { 200: resolutionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { pauseId } = request.params
      const body = request.body
      const pause = pauses.get(pauseId)
      if (!pause) {
        try {
          await pauses.wait(pauseId, 0)
        } catch (e) {
          if (e instanceof PauseNotFoundError)
            return reply.code(404).send({ error: 'not_found', message: e.shortMessage })
          if (!(e instanceof PauseAlreadyResolvedError)) throw e
        }
        return reply
          .code(409)
          .send({ error: 'already_resolved', message: `pause ${pauseId} is already resolved` })
      }
      const reviewers = reviewersOf(pause.profile)
      const verdict = await verifyResolution({
        message: {
          logId,
          pauseId,
          pauseLeafHash: pause.leafHash,
          decision: body.decision,
          rationaleHash: body.rationale_hash,
          deadline: BigInt(body.deadline),
        },
        signature: body.signature.toLowerCase(),
        reviewers,
        now: Math.floor(clock() / 1000),
      })
      if ('reason' in verdict) {
        const status = verdict.reason === 'unlisted_reviewer' ? 403 : 400
        return reply.code(status).send({
          error: verdict.reason,
          message: verdict.message,
          field: verdict.reason === 'expired' ? 'deadline' : 'signature',
        })
      }
      try {
        return await pauses.resolve({
          pauseId,
          decision: body.decision,
          arbiter: { kind: 'reviewer', id: verdict.reviewer },
          rationaleHash: body.rationale_hash,
          signature: body.signature.toLowerCase() as Hex,
          deadline: body.deadline,
        })
      } catch (e) {
        if (e instanceof ResolutionExpiredError)
          return reply
            .code(400)
            .send({ error: 'expired', message: e.shortMessage, field: 'deadline' })
        if (e instanceof PauseAlreadyResolvedError)
          return reply.code(409).send({ error: 'already_resolved', message: e.shortMessage })
        if (e instanceof PauseNotFoundError)
          return reply.code(404).send({ error: 'not_found', message: e.shortMessage })
        if (e instanceof StoreError)
          return reply.code(503).send({
            error: 'log_unavailable',
            message: `the log cannot take the resolution: ${e.code}`,
          })
        throw e
      }
    },
  )
}
