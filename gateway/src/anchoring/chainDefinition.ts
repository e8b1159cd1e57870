import { type Chain, defineChain } from 'viem'
import * as knownChains from 'viem/chains'

// Chain id → viem's definition; the first of several with one id (31337 is Anvil, Foundry and
// Hardhat) wins: they agree on what matters here (native currency, contracts, formatters).
const byId = new Map<number, Chain>()
for (const chain of Object.values(knownChains) as Chain[]) {
  if (typeof chain?.id === 'number' && !byId.has(chain.id)) byId.set(chain.id, chain)
}

/**
 * The viem chain to talk to `chainId` through `rpcUrl`: viem's own definition when it knows the
 * chain (its native currency, `multicall3`, fee and transaction formatters: POL on Polygon, not
 * "Ether"), with the RPC replaced by ours so no request goes to a default public endpoint;
 * otherwise a minimal definition named `name` with an 18-decimal native currency.
 *
 * @example
 * chainDefinition({ chainId: 137, name: 'polygon', rpcUrl }).nativeCurrency.symbol // 'POL'
 */
export function chainDefinition(p: { chainId: number; name: string; rpcUrl: string }): Chain {
  const rpcUrls = { default: { http: [p.rpcUrl] } }
  const known = byId.get(p.chainId)
  if (known) return { ...known, rpcUrls }
  return defineChain({
    id: p.chainId,
    name: p.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls,
  })
}
