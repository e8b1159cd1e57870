import { HEX32_PATTERN, type Hex } from '@tml/core'
import type { FastifyInstance } from 'fastify'
import type { PolicyArchive } from '../../policy/PolicyArchive.ts'
import { errorResponses, mediaResponse } from '../schemas.ts'

/** What the policy routes use: the archive, and the hashes of the policies in force now. */
export type PolicyRouteServices = {
  archive: Pick<PolicyArchive, 'get' | 'list'>
  /** Hashes of the policies (and the policy set) this gateway decides under now. */
  current: ReadonlySet<string>
}

/** A version never changes under its hash: caches may keep it for a year without asking again. */
export const POLICY_CACHE = 'public, max-age=31536000, immutable'

const HASH_RE = new RegExp(HEX32_PATTERN, 'u')

const hashParams = {
  type: 'object',
  required: ['hash'],
  properties: {
    hash: {
      type: 'string',
      description: 'A policy_hash as MTLs carry it: 0x and 64 lower-case hex digits.',
    },
  },
} as const

const summarySchema = {
  type: 'object',
  required: ['hash', 'kind', 'profile', 'first_seen', 'current'],
  properties: {
    hash: { type: 'string', pattern: HEX32_PATTERN },
    kind: {
      enum: ['profile', 'set'],
      description:
        'profile: one policy file. set: the map of every profile to its policy hash (the policy_hash of erasure records).',
    },
    profile: { type: ['string', 'null'] },
    first_seen: { type: 'string', description: 'When this gateway first ran it (RFC 3339).' },
    current: { type: 'boolean', description: 'True when the gateway decides under it now.' },
  },
} as const

/**
 * The policy archive, public (no API key: policies are the rules, not personal data):
 * `GET /v1/policies` lists every policy version the gateway ever ran, and
 * `GET /v1/policies/{hash}` serves the exact RFC 8785 text whose SHA-256 is that `policy_hash`,
 * so that anyone can check the thresholds and rules behind an MTL (`?format=yaml`: the YAML file
 * as written, comments kept; its parsed document is the same). Immutable: ETag is the hash and
 * caches keep it for a year.
 *
 * @example
 * policyRoutes(app, { archive, current: new Set([...policies.values()].map((l) => l.hash)) })
 */
export function policyRoutes(app: FastifyInstance, { archive, current }: PolicyRouteServices) {
  app.get(
    '/v1/policies',
    {
      config: { public: true },
      schema: {
        operationId: 'listPolicies',
        summary: 'Every policy version the gateway ran, by policy_hash',
        response: {
          200: {
            type: 'object',
            required: ['policies'],
            properties: { policies: { type: 'array', items: summarySchema } },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({
      policies: (await archive.list()).map((p) => ({
        hash: p.hash,
        kind: p.kind,
        profile: p.profile,
        first_seen: new Date(p.firstSeenMs).toISOString(),
        current: current.has(p.hash),
      })),
    }),
  )

  app.get<{ Params: { hash: string }; Querystring: { format?: 'json' | 'yaml' } }>(
    '/v1/policies/:hash',
    {
      config: { public: true },
      schema: {
        operationId: 'getPolicy',
        summary: 'The exact policy text whose SHA-256 is this policy_hash',
        params: hashParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: {
              enum: ['json', 'yaml'],
              description:
                'json (default): the RFC 8785 text that hashes to the policy_hash. yaml: the file as written.',
            },
          },
        },
        response: {
          200: mediaResponse('application/json', 'RFC 8785 text of the policy', {
            type: 'object',
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { hash } = request.params
      if (!HASH_RE.test(hash))
        return reply.code(400).send({
          error: 'invalid_request',
          message: `hash: expected a policy_hash (0x and 64 lower-case hex digits), got ${JSON.stringify(hash.slice(0, 80))}`,
          field: 'hash',
        })
      const found = await archive.get(hash as Hex)
      if (!found)
        return reply.code(404).send({
          error: 'unknown_policy',
          message: `no policy with hash ${hash} was ever run by this gateway`,
        })
      const yaml = request.query.format === 'yaml'
      if (yaml && found.source === null)
        return reply.code(404).send({
          error: 'no_source',
          message: `policy ${hash} is a policy set (the map of profiles to their policy hashes): it has no YAML file; ask for it without format=yaml`,
        })
      const etag = yaml ? `"${hash}.yaml"` : `"${hash}"`
      reply.header('etag', etag).header('cache-control', POLICY_CACHE)
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      return yaml
        ? reply.type('application/yaml; charset=utf-8').send(found.source)
        : reply.type('application/json; charset=utf-8').send(found.document)
    },
  )
}
