import { BaseError } from '@tml/core'

/**
 * The gateway could not give an answer the proxy may act on: unreachable, too slow, an error
 * status, or an answer without the fields of a decision. The tool call is not forwarded (or its
 * result not released): no call without its record.
 *
 * @example
 * if (e instanceof GatewayUnavailableError) return toolError(`not forwarded: ${e.shortMessage}`)
 */
export class GatewayUnavailableError extends BaseError {
  override name = 'GatewayUnavailableError' as const
  /** The gateway's HTTP status, when it answered. */
  readonly status: number | undefined
  constructor(reason: string, options: { status?: number; cause?: unknown } = {}) {
    super(`TML gateway: ${reason}`, { cause: options.cause })
    this.status = options.status
  }
}

/**
 * A `tml mcp-proxy` option is missing or malformed. The message names the option.
 *
 * @example
 * throw new McpProxyUsageError('--pause-wait must be a whole number of seconds, got "x"')
 */
export class McpProxyUsageError extends BaseError {
  override name = 'McpProxyUsageError' as const
}
