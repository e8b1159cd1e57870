import { createPublicClient, defineChain, http, type PublicClient } from 'viem'
import type { ChainConfig } from '../config/AppConfig.ts'
import { NoRpcUrlError } from './errors.ts'

const clients = new Map<string, PublicClient>()

/** The viem chain of a configured chain (for clients and wagmi). */
export function viemChain(chain: ChainConfig) {
  return defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: chain.rpcUrl === undefined ? [] : [chain.rpcUrl] } },
  })
}

/**
 * A read-only client of a configured chain through its RPC URL, one per chain and URL. Requests
 * made in the same tick go out as one JSON-RPC batch.
 *
 * @throws {NoRpcUrlError} when the chain has no RPC URL.
 * @example await publicClientFor(chain).getBlockNumber()
 */
export function publicClientFor(chain: ChainConfig): PublicClient {
  if (chain.rpcUrl === undefined) throw new NoRpcUrlError(chain.chainId)
  const key = `${chain.chainId} ${chain.rpcUrl}`
  let client = clients.get(key)
  if (client === undefined) {
    client = createPublicClient({
      chain: viemChain(chain),
      transport: http(chain.rpcUrl, { batch: true, retryCount: 2, timeout: 15_000 }),
    }) as PublicClient
    clients.set(key, client)
  }
  return client
}
