import type { ExplorerPatterns } from './AppConfig.ts'

/** Names, default RPC URLs and explorers of the chains the project deploys to. */
export type KnownChain = { name: string; rpcUrl?: string; explorer: ExplorerPatterns }

const etherscan = (host: string): ExplorerPatterns => ({
  tx: `https://${host}/tx/{hash}`,
  block: `https://${host}/block/{number}`,
  address: `https://${host}/address/{address}`,
})

/**
 * Defaults per chain id; a deployment file gives the addresses and `tml.config.json` may
 * override any of it. Local chains are those of `npm run chains`.
 */
export const KNOWN_CHAINS: Record<number, KnownChain> = {
  1: { name: 'Ethereum', explorer: etherscan('etherscan.io') },
  137: { name: 'Polygon', explorer: etherscan('polygonscan.com') },
  11155111: { name: 'Sepolia', explorer: etherscan('sepolia.etherscan.io') },
  80002: { name: 'Polygon Amoy', explorer: etherscan('amoy.polygonscan.com') },
  31337: { name: 'Ethereum (local)', rpcUrl: 'http://127.0.0.1:8545', explorer: {} },
  31338: { name: 'Polygon (local)', rpcUrl: 'http://127.0.0.1:8546', explorer: {} },
}
