import {
  bytesToHex,
  type Hex,
  RESOLUTION_DOMAIN,
  RESOLUTION_TYPES,
  sha256,
  utf8ToBytes,
} from '@tml/core'
import type { FastifyInstance } from 'fastify'
import { caseView } from '../../desk/caseView.ts'
import { UsedNonces } from '../../desk/UsedNonces.ts'
import { type CaseRequestBody, verifyCaseRequest } from '../../desk/verifyCaseRequest.ts'
import { StoreError } from '../../memory/StoreError.ts'
import {
  PauseAlreadyResolvedError,
  PauseNotFoundError,
  ResolutionExpiredError,
} from '../../pause/errors.ts'
import type { OpenPause, PauseManager } from '../../pause/PauseManager.ts'
import { verifyResolution } from '../../pause/verifyResolution.ts'
import {
  caseRequestBodySchema,
  caseSchema,
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
  pauses: Pick<PauseManager, 'get' | 'pending' | 'resolved' | 'wait' | 'resolve' | 'caseOf'>
  /** Addresses of the reviewers the profile's policy lists. */
  reviewersOf(profile: string): readonly string[]
  /** Unix ms (signature deadlines). */
  clock: () => number
}

type ResolutionBody = {
  decision: 1 | -1
  rationale_hash: Hex
  deadline: number
  signature: Hex
  rationale?: string
}

/**
 * Pause routes: list, read (long poll), read the case (reviewer desk), and resolve with a
 * reviewer's EIP-712 signature. The case and resolution routes are authenticated by that
 * signature, not by an API key: only the policy's reviewers can produce one. The case route
 * answers the pseudonymized evidence and held output of an open pause to a listed reviewer whose
 * short-lived CaseRequest is signed for this log and pause; the resolution route takes the
 * rationale text beside its hash, checks that they match and passes the text on to be sealed.
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

  // Nonces of the case requests served: each signed request opens a case once.
  const usedNonces = new UsedNonces()

  app.post<{ Params: { pauseId: string }; Body: CaseRequestBody }>(
    '/v1/pauses/:pauseId/case',
    {
      config: { public: true },
      schema: {
        operationId: 'readPauseCase',
        summary:
          'The case of an open pause (pseudonymized input, context, held output, tool call) for a listed reviewer’s signed request',
        params: pauseIdParams,
        body: caseRequestBodySchema,
        response: { 200: caseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { pauseId } = request.params
      const now = Math.floor(clock() / 1000)
      const checked = await verifyCaseRequest({ body: request.body, pauseId, logId, now })
      if ('error' in checked) {
        const { status, ...rest } = checked
        return reply.code(status).send(rest)
      }
      const pause = pauses.get(pauseId)
      if (!pause) {
        const unknown = await unknownPause(pauses, pauseId)
        if (unknown) return reply.code(404).send(unknown)
        return reply.code(410).send({
          error: 'resolved',
          message: `pause ${pauseId} is resolved: its case was destroyed with it (it stays sealed in the vault, for a custodian quorum)`,
        })
      }
      const listed = reviewersOf(pause.profile).some((r) => r.toLowerCase() === checked.signer)
      if (!listed)
        return reply.code(403).send({
          error: 'unlisted_reviewer',
          message: `signer ${checked.signer} is not a reviewer of profile ${pause.profile}`,
          field: 'signature',
        })
      if (!usedNonces.take(checked.message.nonce, request.body.expires_at, now))
        return reply.code(401).send({
          error: 'replayed',
          message:
            'this signed request was already used: sign a new one (each nonce opens a case once)',
          field: 'nonce',
        })
      const evidence = pauses.caseOf(pauseId)
      if (!evidence) {
        // Resolved between the two looks, or being resolved, or opened before a restart.
        if (!pauses.get(pauseId))
          return reply.code(410).send({
            error: 'resolved',
            message: `pause ${pauseId} is resolved: its case was destroyed with it`,
          })
        return reply.code(404).send({
          error: 'case_unavailable',
          message: `the gateway holds no case for pause ${pauseId}: it is being resolved, or it was opened before the gateway restarted (cases are held in memory only; it stays sealed in the vault, for a custodian quorum)`,
        })
      }
      request.log.info(
        { pause_id: pauseId, reviewer: checked.signer },
        'case of a pause read by its reviewer',
      )
      return caseView({
        pause,
        evidence,
        reviewer: checked.signer,
        expiresAt: request.body.expires_at,
      })
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
        const unknown = await unknownPause(pauses, pauseId)
        if (unknown) return reply.code(404).send(unknown)
        return reply
          .code(409)
          .send({ error: 'already_resolved', message: `pause ${pauseId} is already resolved` })
      }
      // The text must be the one signed for (by hash); the comparison is on the hash, so the
      // text itself is never echoed in an error or a log line.
      if (
        body.rationale !== undefined &&
        bytesToHex(sha256(utf8ToBytes(body.rationale))) !== body.rationale_hash.toLowerCase()
      )
        return reply.code(400).send({
          error: 'rationale_mismatch',
          message: 'the SHA-256 of rationale is not rationale_hash',
          field: 'rationale',
        })
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
          ...(body.rationale === undefined ? {} : { rationale: body.rationale }),
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

/**
 * For a pause that is not open: the 404 body when the log never held it, or undefined when it
 * was resolved (each route answers that in its own words).
 */
async function unknownPause(
  pauses: Pick<PauseManager, 'wait'>,
  pauseId: string,
): Promise<{ error: 'not_found'; message: string } | undefined> {
  try {
    await pauses.wait(pauseId, 0)
  } catch (e) {
    if (e instanceof PauseNotFoundError) return { error: 'not_found', message: e.shortMessage }
    if (!(e instanceof PauseAlreadyResolvedError)) throw e
  }
  return undefined
}
