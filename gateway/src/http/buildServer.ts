import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { gatewayVersion } from '../gatewayVersion.ts'
import type { ApiKey } from '../keys/loadKeys.ts'
import type { Gateway } from '../service/createGateway.ts'
import type { ApiContext } from './ApiContext.ts'
import { registerCors } from './cors.ts'
import { createAuthenticator } from './createAuthenticator.ts'
import { errorHandler } from './errorHandler.ts'
import { openApiDocument, type RouteDescription } from './openApiDocument.ts'
import { parseJsonBody } from './parseJsonBody.ts'
import { decisionRoutes } from './routes/decisions.ts'
import { healthRoutes } from './routes/health.ts'
import { lanternRoutes } from './routes/lantern.ts'
import { logRoutes } from './routes/logs.ts'
import { pauseRoutes } from './routes/pauses.ts'
import { proofRoutes } from './routes/proofs.ts'
import { subjectRoutes } from './routes/subjects.ts'
import { traceRoutes } from './routes/traces.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated API caller ('' on public routes). */
    caller: string
  }
  interface FastifySchema {
    /** One line for /openapi.json. */
    summary?: string
  }
  interface FastifyContextConfig {
    /**
     * Routes that need no API key: health, metrics, signature-authenticated resolutions, CORS
     * preflights, and the public proofs (bundles, checkpoints, consistency: hashes only).
     */
    public?: boolean
  }
}

/** Parameters of {@link buildServer}. */
export type BuildServerParameters = {
  gateway: Gateway
  apiKeys: readonly ApiKey[]
  /** A pino logger; none by default (tests). */
  logger?: FastifyBaseLogger
  /** Largest request body, in bytes. */
  bodyLimit?: number
  clock?: () => number
  /** Origins allowed by CORS (see `parseCorsOrigins`); every origin (`*`) by default. */
  corsOrigins?: readonly string[] | '*'
}

/** Default largest request body: room for a 10 000-sample series, far below memory trouble. */
export const DEFAULT_BODY_LIMIT = 512 * 1024

/**
 * The HTTP API of a gateway (Fastify 5): bearer API keys, strict JSON Schema validation (no type
 * coercion, unknown fields refused), JSON errors naming the field, OpenAPI at /openapi.json.
 *
 * Spec: gateway/README.md (API), OpenAPI 3.1.
 *
 * @example
 * const app = await buildServer({ gateway, apiKeys: keys.apiKeys })
 * await app.listen({ host: '127.0.0.1', port: 8080 })
 */
export async function buildServer(p: BuildServerParameters): Promise<FastifyInstance> {
  const app = Fastify({
    ...(p.logger ? { loggerInstance: p.logger } : { logger: false }),
    // Per-request log lines would cost more than a decision; decisions are in the log itself.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: p.bodyLimit ?? DEFAULT_BODY_LIMIT,
    return503OnClosing: true,
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allErrors: false,
      },
    },
  })
  const ctx: ApiContext = { gateway: p.gateway, clock: p.clock ?? Date.now }
  const authenticate = createAuthenticator(p.apiKeys)

  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string))
    } catch (e) {
      done(e as Error, undefined)
    }
  })
  app.decorateRequest('caller', '')
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    })
  })
  // Before authentication: a 401 must carry CORS headers too, or the page cannot read it.
  registerCors(app, p.corsOrigins ?? '*')
  // A callback hook, not an async one: no promise per request on the decision route.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.public || request.routeOptions.url === undefined) return done()
    const query = request.query as { access_token?: unknown } | undefined
    const header =
      request.headers.authorization ??
      (request.routeOptions.url === '/v1/lantern' && typeof query?.access_token === 'string'
        ? query.access_token
        : undefined)
    const caller = authenticate(header)
    if (!caller) {
      void reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'missing or unknown API key' })
      return
    }
    request.caller = caller
    done()
  })

  const routes: RouteDescription[] = []
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      routes.push({
        method,
        url: route.url,
        public: Boolean((route.config as { public?: boolean } | undefined)?.public),
        ...(route.schema
          ? { schema: route.schema as NonNullable<RouteDescription['schema']> }
          : {}),
      })
    }
  })
  app.get('/openapi.json', { config: { public: true } }, async () =>
    openApiDocument({ routes, version: gatewayVersion() }),
  )

  decisionRoutes(app, ctx)
  traceRoutes(app, ctx)
  proofRoutes(app, ctx)
  logRoutes(app, ctx)
  pauseRoutes(app, ctx)
  lanternRoutes(app, ctx)
  subjectRoutes(app, ctx)
  healthRoutes(app, ctx)
  await app.ready()
  return app
}
