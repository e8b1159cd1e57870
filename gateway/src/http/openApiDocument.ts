/** A route as Fastify's `onRoute` hook sees it, reduced to what OpenAPI needs. */
export type RouteDescription = {
  method: string
  url: string
  public: boolean
  schema?: {
    summary?: string
    operationId?: string
    body?: unknown
    params?: ObjectSchema
    querystring?: ObjectSchema
    response?: Record<string, unknown>
  }
}

type ObjectSchema = { properties?: Record<string, unknown>; required?: readonly string[] }

/** A response given as `{ description, content: { mediaType: { schema } } }` (non-JSON answers). */
type MediaResponse = { description?: string; content: Record<string, unknown> }

/** Fastify's name of a wildcard's value (`/tiles/tile/*`), and the one OpenAPI gets. */
const WILDCARD = '*'
const WILDCARD_PARAMETER = 'path'

/**
 * The OpenAPI 3.1 document of the API, built from the very schemas Fastify validates with, so
 * that /openapi.json cannot drift from the behavior. Every operation has the `operationId` and
 * the answers (by status, or 4XX / 5XX) its route declares.
 *
 * Spec: OpenAPI 3.1.0 (JSON Schema 2020-12 compatible schemas).
 *
 * @example
 * app.addHook('onRoute', (r) => routes.push(describe(r)))
 * reply.send(openApiDocument({ routes, version: '0.1.0' }))
 */
export function openApiDocument({
  routes,
  version,
}: {
  routes: readonly RouteDescription[]
  version: string
}) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    // HEAD mirrors GET; OPTIONS is the CORS preflight of every path, not an operation.
    if (route.method === 'HEAD' || route.method === 'OPTIONS') continue
    const path = route.url
      .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
      .replace(/\*$/, `{${WILDCARD_PARAMETER}}`)
    const parameters = [
      ...toParameters('path', route.schema?.params),
      ...toParameters('query', route.schema?.querystring),
    ]
    const responses: Record<string, unknown> = {}
    for (const [code, schema] of Object.entries(route.schema?.response ?? {})) {
      const described = (schema as { description?: unknown }).description
      const description =
        typeof described === 'string'
          ? described
          : (DESCRIPTIONS[code] ?? (code.startsWith('2') ? 'Success' : 'Error'))
      responses[code] = isMediaResponse(schema)
        ? { description, content: schema.content }
        : { description, content: { 'application/json': { schema } } }
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'Success' }
    paths[path] = {
      ...paths[path],
      [route.method.toLowerCase()]: {
        ...(route.schema?.operationId ? { operationId: route.schema.operationId } : {}),
        summary: route.schema?.summary ?? '',
        ...(route.public ? { security: [] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(route.schema?.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: route.schema.body } },
              },
            }
          : {}),
        responses,
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TML Anchor gateway',
      version,
      description:
        'Ternary decisions (+1 / 0 / -1) under the Sacred Pause Protocol. Every decision is a signed Moral Trace Log entry, durable before the answer leaves.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key' } },
    },
    security: [{ bearer: [] }],
    paths,
  }
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '200': 'Success',
  '202': 'Accepted, not ready yet',
  '4XX': 'Client error',
  '5XX': 'Server error',
}

function isMediaResponse(schema: unknown): schema is MediaResponse {
  return typeof schema === 'object' && schema !== null && 'content' in schema
}

function toParameters(where: 'path' | 'query', s: ObjectSchema | undefined) {
  return Object.entries(s?.properties ?? {}).map(([name, propertySchema]) => ({
    name: name === WILDCARD ? WILDCARD_PARAMETER : name,
    in: where,
    required: where === 'path' || (s?.required ?? []).includes(name),
    schema: propertySchema,
  }))
}
