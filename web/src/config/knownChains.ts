import type { Address, Chain } from 'viem'
import {
  arbitrum,
  arbitrumSepolia,
  base,
  baseSepolia,
  hardhat,
  holesky,
  mainnet,
  optimism,
  optimismSepolia,
  polygon,
  polygonAmoy,
  sepolia,
} from 'viem/chains'
import type { ExplorerPatterns, NativeCurrency } from './AppConfig.ts'

/** What the page knows of a chain before any configuration: name, currency, explorer, multicall. */
export type KnownChain = {
  name: string
  nativeCurrency: NativeCurrency
  rpcUrl?: string
  explorer: ExplorerPatterns
  /** Multicall3, for batched reads; undefined where it is not deployed (the local chains). */
  multicall3: Address | undefined
}

/**
 * A chain's defaults as viem's chain definition (`viem/chains`) gives them: its name, native
 * currency, block explorer (as link patterns) and Multicall3 address. No RPC URL: public
 * endpoints come from the page's configuration.
 *
 * @example knownChainFromViem(polygon).nativeCurrency.symbol // 'POL'
 */
export function knownChainFromViem(chain: Chain): KnownChain {
  const explorerUrl = chain.blockExplorers?.default.url.replace(/\/+$/, '')
  return {
    name: chain.name,
    nativeCurrency: { ...chain.nativeCurrency },
    explorer:
      explorerUrl === undefined
        ? {}
        : {
            tx: `${explorerUrl}/tx/{hash}`,
            block: `${explorerUrl}/block/{number}`,
            address: `${explorerUrl}/address/{address}`,
          },
    multicall3: chain.contracts?.multicall3?.address,
  }
}

const ether: NativeCurrency = { name: 'Ether', symbol: 'ETH', decimals: 18 }
const pol: NativeCurrency = { name: 'POL', symbol: 'POL', decimals: 18 }

/**
 * Defaults per chain id: the public chains the project deploys to and the common L2s, from
 * `viem/chains` (named imports, so only these are bundled: viem's whole list would add about
 * 67 KB gzipped to the first load), and the local chains of `npm run chains`: 31337 is Hardhat's
 * Ethereum-like chain (ETH), 31338 stands in for Polygon (POL). Another chain id gets
 * "Chain <id>", Ether and no Multicall3 unless `tml.config.json` names it. A deployment file
 * gives the addresses and `tml.config.json` may override any of it.
 */
export const KNOWN_CHAINS: Record<number, KnownChain> = {
  ...Object.fromEntries(
    [
      mainnet,
      sepolia,
      holesky,
      polygon,
      polygonAmoy,
      base,
      baseSepolia,
      arbitrum,
      arbitrumSepolia,
      optimism,
      optimismSepolia,
    ].map((c) => [c.id, knownChainFromViem(c)]),
  ),
  [hardhat.id]: {
    name: 'Ethereum (local)',
    nativeCurrency: ether,
    rpcUrl: 'http://127.0.0.1:8545',
    explorer: {},
    multicall3: undefined,
  },
  31338: {
    name: 'Polygon (local)',
    nativeCurrency: pol,
    rpcUrl: 'http://127.0.0.1:8546',
    explorer: {},
    multicall3: undefined,
  },
}

/** Currency of a chain nothing is known about. */
export const UNKNOWN_CURRENCY: NativeCurrency = ether
