import { BaseError } from '@tml/core'

/** Why an upstream call gave no usable answer. */
export type UpstreamFailureKind = 'unavailable' | 'timeout' | 'error_status' | 'malformed'

/**
 * The upstream model server gave no usable answer: unreachable, too slow, an error status or a
 * body that is not an OpenAI chat completion. The proxy logs it as a -1 and answers with its
 * reason: nothing unlogged ever leaves.
 *
 * @example
 * if (e instanceof UpstreamError && e.kind === 'timeout') // refused: upstream too slow
 */
export class UpstreamError extends BaseError {
  override name = 'UpstreamError' as const
  readonly kind: UpstreamFailureKind
  /** The upstream's HTTP status, when it answered one. */
  readonly status: number | undefined
  constructor({
    kind,
    reason,
    status,
  }: {
    kind: UpstreamFailureKind
    reason: string
    status?: number
  }) {
    super(`upstream ${kind.replace('_', ' ')}: ${reason}`)
    this.kind = kind
    this.status = status
  }
}
