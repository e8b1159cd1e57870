import { fallback, http, type Transport } from 'viem'

/** Parameters of {@link chainTransport}. */
export type ChainTransportParameters = {
  /** RPC URLs of one chain, in order of preference. */
  rpcUrls: readonly string[]
  /** Per request, per URL (ms). */
  timeoutMs?: number
  /**
   * Called for every request one URL failed (HTTP error, timeout, refused connection, JSON-RPC
   * error), also when the next URL then answered: an operator sees a dying provider before the
   * last one goes.
   */
  onError?: (error: unknown) => void
}

/**
 * The viem transport to one chain over several RPC URLs: the first that answers wins (viem's
 * `fallback`, in the given order, each request starting at the first URL), with no retries of
 * its own: the anchorer's rounds retry, with backoff and state. One URL gives a plain `http`
 * transport.
 *
 * @example
 * createPublicClient({ transport: chainTransport({ rpcUrls: [primary, backup], onError: count }) })
 */
export function chainTransport({
  rpcUrls,
  timeoutMs = 10_000,
  onError,
}: ChainTransportParameters): Transport {
  if (rpcUrls.length === 0) throw new RangeError('a chain needs at least one RPC URL')
  const transports = rpcUrls.map((url) => {
    const inner = http(url, { retryCount: 0, timeout: timeoutMs })
    return onError ? counted(inner, onError) : inner
  })
  if (transports.length === 1) return transports[0] as Transport
  return fallback(transports, { retryCount: 0 })
}

// A transport that reports each failed request of `inner` and passes the failure on.
function counted(inner: Transport, onError: (error: unknown) => void): Transport {
  return (options) => {
    const t = inner(options)
    const request: typeof t.request = async (args, requestOptions) => {
      try {
        return await t.request(args, requestOptions)
      } catch (error) {
        onError(error)
        throw error
      }
    }
    return { ...t, request }
  }
}
