import { createPublicClient, defineChain, http, type PublicClient } from 'viem'
import type { ChainConfig } from '../config/AppConfig.ts'
import { NoRpcUrlError } from './errors.ts'

const clients = new Map<string, PublicClient>()

/**
 * The viem chain of a configured chain (for clients and wagmi): its name, native currency and
 * Multicall3 from `viem/chains` (see config/knownChains.ts), its configured RPC URL and explorer.
 */
export function viemChain(chain: ChainConfig) {
  const explorer = chain.explorer.address?.replace(/\/address\/\{address\}$/, '')
  return defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: chain.nativeCurrency,
    rpcUrls: { default: { http: chain.rpcUrl === undefined ? [] : [chain.rpcUrl] } },
    ...(explorer === undefined || explorer.includes('{')
      ? {}
      : { blockExplorers: { default: { name: 'Explorer', url: explorer } } }),
    ...(chain.multicall3 === undefined
      ? {}
      : { contracts: { multicall3: { address: chain.multicall3 } } }),
  })
}

/**
 * A read-only client of a configured chain through its RPC URL, one per chain and URL. Contract
 * reads made in the same tick are aggregated into one Multicall3 `eth_call` where the chain has
 * Multicall3 (`batch.multicall`; viem falls back to single calls where it has none), and requests
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
      batch: { multicall: chain.multicall3 !== undefined },
      transport: http(chain.rpcUrl, { batch: true, retryCount: 2, timeout: 15_000 }),
    }) as PublicClient
    clients.set(key, client)
  }
  return client
}
