import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { gatewayVersion } from '../gatewayVersion.ts'
import type { ApiKey } from '../keys/loadKeys.ts'
import { OpenAiProxy } from '../proxy/openai/OpenAiProxy.ts'
import type { UpstreamConfig } from '../proxy/openai/upstream.ts'
import type { Gateway } from '../service/createGateway.ts'
import { createProofBundles } from '../service/createProofBundles.ts'
import { registerCors } from './cors.ts'
import { createAuthenticator } from './createAuthenticator.ts'
import { errorHandler } from './errorHandler.ts'
import { createMetricsRegistry } from './metrics/createMetricsRegistry.ts'
import { openApiDocument, type RouteDescription } from './openApiDocument.ts'
import { parseJsonBody } from './parseJsonBody.ts'
import { decisionRoutes } from './routes/decisions.ts'
import { healthRoutes } from './routes/health.ts'
import { lanternRoutes } from './routes/lantern.ts'
import { logRoutes } from './routes/logs.ts'
import { openAiRoutes } from './routes/openai.ts'
import { pauseRoutes } from './routes/pauses.ts'
import { policyRoutes } from './routes/policies.ts'
import { proofRoutes } from './routes/proofs.ts'
import { subjectRoutes } from './routes/subjects.ts'
import { tileRoutes } from './routes/tiles.ts'
import { traceRoutes } from './routes/traces.ts'
import { vaultRoutes } from './routes/vault.ts'
import { errorResponses } from './schemas.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated API caller ('' on public routes). */
    caller: string
    /** When the request arrived (`performance.now()`): the start of the decision latency. */
    arrivedMs: number
  }
  interface FastifySchema {
    /** One line for /openapi.json. */
    summary?: string
    /** The operation's name in /openapi.json, and the method name of generated clients. */
    operationId?: string
  }
  interface FastifyContextConfig {
    /**
     * Routes that need no API key: health, metrics, signature-authenticated resolutions, CORS
     * preflights, the public proofs (bundles, checkpoints, consistency: hashes only) and the
     * policy archive (the rules, no personal data).
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
  /** Folder of the C2SP checkpoint and tiles (`DATA/tiles`), served under /tiles when given. */
  tilesDir?: string
  /** The OpenAI-compatible proxy's upstream and profiles; its routes are served when given. */
  openai?: {
    upstream: UpstreamConfig
    defaultProfile?: string
    callerProfiles?: ReadonlyMap<string, string>
  }
  /**
   * Also serve prom-client's process metrics (`tml_process_*`, `tml_nodejs_*`) on /metrics: for a
   * process that runs this one gateway (see `createMetricsRegistry`). Default false.
   */
  processMetrics?: boolean
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
 * await app.listen({ host: '127.0.0.1', port: 8787 })
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
  // Response schemas document the answers (/openapi.json); handlers' objects are sent as they are.
  // Fastify's default would serialize through them, silently dropping any field a schema does not
  // list (a proof bundle would then fail verification) and turning a null into 0.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
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
  app.decorateRequest('arrivedMs', 0)
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
    request.arrivedMs = performance.now()
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
  app.get(
    '/openapi.json',
    {
      config: { public: true },
      schema: {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI 3.1 document',
        response: { 200: { type: 'object' }, ...errorResponses },
      },
    },
    async () => openApiDocument({ routes, version: gatewayVersion() }),
  )

  // Each route module gets the few services it uses, never the whole gateway (nor a key).
  const g = p.gateway
  decisionRoutes(app, { profiles: g.policies, decisions: g.service })
  traceRoutes(app, { traces: g.store })
  proofRoutes(app, {
    proofs: createProofBundles({
      store: g.store,
      ...(g.lane ? { lane: g.lane } : {}),
      logId: g.keys.logId,
      checkpointSigner: g.checkpointSignerAt,
      receiptPublicKey: (seq) => g.receiptKeys.publicKeyFor(seq),
      policyDocument: (hash) =>
        [...g.policies.values()].find((loaded) => loaded.hash === hash)?.document,
    }),
  })
  logRoutes(app, {
    logId: g.keys.logId,
    // The keys that sign now: the checkpoint key of the period after the latest epoch, and the
    // receipt key of the next receipt.
    claimedKeys: async () => ({
      checkpointSigner: g.checkpointSignerAt(
        ((await g.lane?.store.latestCheckpoint())?.epoch ?? 0) + 1,
      ),
      receiptPublicKey: g.signer.publicKey,
      receiptKeys: g.receiptKeys.publicKeys(),
    }),
    checkpoints: g.lane?.store,
    entries: g.store,
  })
  pauseRoutes(app, {
    logId: g.memory.logId,
    pauses: g.pauses,
    reviewersOf: (profile) => g.policies.get(profile)?.policy.reviewers ?? [],
    clock: p.clock ?? Date.now,
  })
  lanternRoutes(app, { lantern: g.lantern })
  policyRoutes(app, {
    archive: g.policyArchive,
    current: new Set([...g.policies.values()].map((l) => l.hash).concat(g.service.policySetHash)),
  })
  subjectRoutes(app, { erasures: g.service })
  if (g.vault) vaultRoutes(app, { vault: g.vault })
  healthRoutes(app, {
    memory: g.memory,
    metrics: createMetricsRegistry(g, { processMetrics: p.processMetrics ?? false }),
  })
  if (p.tilesDir !== undefined) tileRoutes(app, { dir: p.tilesDir })
  if (p.openai) {
    openAiRoutes(app, {
      proxy: new OpenAiProxy({
        decisions: g.service,
        pauses: g.pauses,
        ...p.openai,
        ...(p.clock ? { clock: p.clock } : {}),
      }),
    })
  }
  await app.ready()
  return app
}
