import { buildConsistencyProof, bytesToHex, type Hex } from '@tml/core'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Address } from 'viem'
import type { AnchorStore } from '../../anchoring/AnchorStore.ts'
import { nodeSha256 } from '../../keys/nodeSha256.ts'
import type { LogStore } from '../../memory/LogStore.ts'
import {
  checkpointPageSchema,
  checkpointsQuery,
  consistencyQuery,
  consistencySchema,
  entriesQuery,
  entryPageSchema,
  errorResponses,
  logIdParams,
} from '../schemas.ts'

/** Most checkpoints or entries in one page. */
export const LOG_PAGE_LIMIT = 1000

/** What the log routes use: the log's id and public keys, its checkpoints, its entries. */
export type LogRouteServices = {
  logId: Hex
  /** The keys the operator claims (public halves only); auditors check them on chain. */
  claimedKeys: () => Promise<{
    checkpointSigner: Address
    receiptPublicKey: Hex
    receiptKeys: { fromSeq: number; publicKey: Hex }[]
  }>
  /** The anchoring lane's checkpoints, anchors and tree; absent without a lane (503). */
  checkpoints: Pick<AnchorStore, 'checkpoints' | 'anchorsOf' | 'treeSize' | 'getNodes'> | undefined
  entries: Pick<LogStore, 'entries'>
}

/**
 * The log's history for auditors:
 * - `GET /v1/logs/{logId}/checkpoints?from=EPOCH&limit=N` (public): signed checkpoints with their
 *   anchors, and the log's claimed keys;
 * - `GET /v1/logs/{logId}/consistency?from=SIZE&to=SIZE` (public): RFC 9162 §2.1.4 proof between
 *   two tree sizes (0 < from <= to <= the sequenced size; from == to, 0 included, is `[]`);
 * - `GET /v1/logs/{logId}/entries?start=SEQ&end=SEQ` (API key): MTLs [start, end) with their
 *   receipts, the MTL as stored text (the exact bytes the leaf hash covers).
 *
 * Checkpoints and consistency proofs hold only hashes and signatures, which are on chain anyway;
 * the web page reads them from another origin without an API key. Entries stay private.
 */
export function logRoutes(
  app: FastifyInstance,
  { logId: ownLogId, claimedKeys, checkpoints: anchors, entries: log }: LogRouteServices,
): void {
  type Req = { Params: { logId: string }; Querystring: Record<string, string | undefined> }
  const guard = (logId: string, reply: FastifyReply): boolean => {
    if (logId.toLowerCase() !== ownLogId.toLowerCase()) {
      void reply.code(404).send({ error: 'not_found', message: `no log ${logId}` })
      return false
    }
    if (!anchors) {
      void reply
        .code(503)
        .send({ error: 'no_anchoring', message: 'this gateway runs without an anchoring lane' })
      return false
    }
    return true
  }
  const schema = (operationId: string, summary: string, querystring: object, answer: object) => ({
    operationId,
    summary,
    params: logIdParams,
    querystring,
    response: { 200: answer, ...errorResponses },
  })
  const publicRoute = { public: true }

  app.get<Req>(
    '/v1/logs/:logId/checkpoints',
    {
      config: publicRoute,
      schema: schema(
        'getCheckpoints',
        'Signed checkpoints and their anchors',
        checkpointsQuery,
        checkpointPageSchema,
      ),
    },
    async (request, reply) => {
      if (!guard(request.params.logId, reply)) return reply
      const from = intParam(request.query.from, 1)
      const limit = intParam(request.query.limit, 100)
      if (from === undefined || from < 1)
        return badQuery(reply, 'from must be an epoch >= 1 (decimal integer)', 'from')
      if (limit === undefined || limit < 1 || limit > LOG_PAGE_LIMIT)
        return badQuery(reply, `limit must be 1..${LOG_PAGE_LIMIT}`, 'limit')
      const stored = (await anchors?.checkpoints(from, limit)) ?? []
      const checkpoints = []
      for (const c of stored) {
        const records = (await anchors?.anchorsOf(c.epoch)) ?? []
        checkpoints.push({
          checkpoint: {
            logId: ownLogId,
            epoch: c.epoch,
            treeSize: c.treeSize,
            rootHash: c.rootHash,
            timestamp: c.timestamp,
          },
          signature: c.signature,
          anchors: records.map((a) => ({
            chainId: a.chainId,
            registry: a.registry,
            status: a.status,
            txHash: a.txHash,
            blockNumber: a.blockNumber,
            confirmations: a.confirmations,
          })),
        })
      }
      return { log_id: ownLogId, log: await claimedKeys(), checkpoints }
    },
  )

  app.get<Req>(
    '/v1/logs/:logId/consistency',
    {
      config: publicRoute,
      schema: schema(
        'getConsistencyProof',
        'RFC 9162 consistency proof between two tree sizes',
        consistencyQuery,
        consistencySchema,
      ),
    },
    async (request, reply) => {
      if (!guard(request.params.logId, reply)) return reply
      const from = intParam(request.query.from, undefined)
      const to = intParam(request.query.to, undefined)
      const size = (await anchors?.treeSize()) ?? 0
      if (from === undefined)
        return badQuery(reply, 'from must be a tree size (decimal integer)', 'from')
      if (to === undefined) return badQuery(reply, 'to must be a tree size (decimal integer)', 'to')
      if (to > size) return badQuery(reply, `to must be at most the log's size ${size}`, 'to')
      if (from > to) return badQuery(reply, `from must be at most to (${to})`, 'from')
      // Equal sizes: the trees are the same one (the caller compares roots); nothing to prove.
      if (from === to) return { from, to, proof: [] }
      if (from < 1)
        return badQuery(reply, 'from must be >= 1 when to > from (RFC 9162 §2.1.4)', 'from')
      const proof = await buildConsistencyProof({
        size1: from,
        size2: to,
        store: anchors ?? { getNodes: async () => [] },
        hash: nodeSha256,
      })
      return { from, to, proof: proof.map((h) => bytesToHex(h)) }
    },
  )

  app.get<Req>(
    '/v1/logs/:logId/entries',
    {
      schema: schema(
        'getEntries',
        'MTLs [start, end) with their receipts',
        entriesQuery,
        entryPageSchema,
      ),
    },
    async (request, reply) => {
      if (!guard(request.params.logId, reply)) return reply
      const start = intParam(request.query.start, 0)
      const end = intParam(request.query.end, undefined)
      if (
        start === undefined ||
        start < 0 ||
        (end !== undefined && (end < start || end - start > LOG_PAGE_LIMIT))
      ) {
        return badQuery(reply, `need 0 <= start <= end, at most ${LOG_PAGE_LIMIT} entries`)
      }
      const limit = end === undefined ? LOG_PAGE_LIMIT : end - start
      const entries = limit === 0 ? [] : await log.entries(start, limit)
      // Stored MTL text goes out as is: its bytes are exactly what the leaf hash covers.
      const items = entries.map(
        (e) =>
          `{"seq":${e.seq},"trace_id":${JSON.stringify(e.traceId)},"leaf_hash":"${e.leafHash}","mtl":${e.mtl},"receipt":${JSON.stringify(e.receipt)}}`,
      )
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"log_id":"${ownLogId}","entries":[${items.join(',')}]}`)
    },
  )
}

function intParam(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback
  if (!/^\d{1,15}$/.test(value)) return undefined
  return Number(value)
}

function badQuery(reply: FastifyReply, message: string, field?: string): FastifyReply {
  return reply
    .code(400)
    .send({ error: 'invalid_request', message, ...(field === undefined ? {} : { field }) })
}
