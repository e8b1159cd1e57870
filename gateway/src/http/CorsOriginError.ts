/** A `--cors-origin` (or `TML_CORS_ORIGINS`) value that is not an origin. */
export class CorsOriginError extends Error {
  readonly origin: string
  constructor(origin: string) {
    super(
      `invalid CORS origin ${JSON.stringify(origin)}: expected scheme://host[:port] (no path), or *`,
    )
    this.name = 'CorsOriginError'
    this.origin = origin
  }
}
