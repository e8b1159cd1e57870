export { type BuildServerParameters, buildServer, DEFAULT_BODY_LIMIT } from './buildServer.ts'
export { CorsOriginError } from './CorsOriginError.ts'
export { registerCors } from './cors.ts'
export { createAuthenticator } from './createAuthenticator.ts'
export { type ApiError, errorHandler } from './errorHandler.ts'
export {
  createMetricsRegistry,
  type MetricsRegistryOptions,
  type MetricsSources,
} from './metrics/createMetricsRegistry.ts'
export { openApiDocument, type RouteDescription } from './openApiDocument.ts'
export { parseCorsOrigins } from './parseCorsOrigins.ts'
export { MAX_JSON_DEPTH, MalformedJsonError, parseJsonBody } from './parseJsonBody.ts'
