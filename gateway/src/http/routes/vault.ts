import { bytesToHex } from '@tml/core'
import type { FastifyInstance } from 'fastify'
import type { VaultStore } from '../../vault/VaultStore.ts'
import { errorResponses, traceIdParams } from '../schemas.ts'

/** What the vault routes use: the vault's reads. */
export type VaultRouteServices = { vault: Pick<VaultStore, 'epochKey' | 'sealedByTraceId'> }

const hex = { type: 'string', pattern: '^0x[0-9a-f]*$' } as const

/**
 * `GET /v1/vault/epochs/{epoch}`: an epoch key as k-of-n shares, each wrapped to its custodian's
 * X25519 key (what a custodian opens to release its share). `GET /v1/vault/records/{traceId}`:
 * the sealed envelope holding an MTL's record (its commit batch's, `tml-vault/2`; or its own,
 * `tml-vault/1`, from gateways before batches), whose SHA-256 is the MTL's `evidence_seal`. Both
 * public: without k custodians' shares they are ciphertext, and the seal they are checked against
 * is public.
 */
export function vaultRoutes(app: FastifyInstance, { vault }: VaultRouteServices): void {
  app.get<{ Params: { epoch: string } }>(
    '/v1/vault/epochs/:epoch',
    {
      config: { public: true },
      schema: {
        operationId: 'getVaultEpoch',
        summary: "A vault epoch's key as shares wrapped to the custodians",
        params: {
          type: 'object',
          required: ['epoch'],
          properties: { epoch: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['epoch', 'opened_ms', 'threshold', 'shares'],
            properties: {
              epoch: { type: 'integer' },
              opened_ms: { type: 'integer' },
              threshold: { type: 'integer' },
              shares: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['index', 'custodian', 'public_key', 'enc', 'ciphertext'],
                  properties: {
                    index: { type: 'integer' },
                    custodian: { type: 'string' },
                    public_key: hex,
                    enc: hex,
                    ciphertext: hex,
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const epoch = Number(request.params.epoch)
      const key = await vault.epochKey(epoch)
      if (!key)
        return reply.code(404).send({ error: 'not_found', message: `no vault epoch ${epoch}` })
      return {
        epoch: key.epoch,
        opened_ms: key.openedMs,
        threshold: key.threshold,
        shares: key.shares.map((s, index) => ({
          index,
          custodian: s.custodian,
          public_key: s.publicKey,
          enc: s.enc,
          ciphertext: s.ciphertext,
        })),
      }
    },
  )

  app.get<{ Params: { traceId: string } }>(
    '/v1/vault/records/:traceId',
    {
      config: { public: true },
      schema: {
        operationId: 'getSealedRecord',
        summary: "The sealed evidence envelope holding an MTL's record (tml-vault/2 or /1)",
        params: traceIdParams,
        response: {
          200: {
            type: 'object',
            required: ['trace_id', 'seq', 'epoch', 'envelope'],
            properties: {
              trace_id: { type: 'string' },
              seq: { type: 'integer' },
              epoch: { type: 'integer' },
              envelope: hex,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const sealed = await vault.sealedByTraceId(request.params.traceId)
      if (!sealed)
        return reply
          .code(404)
          .send({ error: 'not_found', message: `no sealed record for ${request.params.traceId}` })
      return {
        trace_id: sealed.traceId,
        seq: sealed.seq,
        epoch: sealed.epoch,
        envelope: bytesToHex(sealed.envelope),
      }
    },
  )
}
