// Shared test values: a configuration whose chains are the core fixture's (fake) chains.

import { FIXTURE_CHAINS } from '../../core/test/fixtures/bundle.ts'
import type { AppConfig } from '../src/config/AppConfig.ts'

export function fixtureConfig(): AppConfig {
  return {
    chains: FIXTURE_CHAINS.map(({ chainId, registry }) => ({
      chainId,
      name: chainId === 11155111 ? 'Sepolia' : 'Polygon Amoy',
      rpcUrl: `http://127.0.0.1:1/${chainId}`,
      explorer: {
        tx: 'https://explorer.example/tx/{hash}',
        block: 'https://explorer.example/block/{number}',
      },
      nativeCurrency:
        chainId === 11155111
          ? { name: 'Sepolia Ether', symbol: 'ETH', decimals: 18 }
          : { name: 'POL', symbol: 'POL', decimals: 18 },
      multicall3: undefined,
      lanternRegistry: { address: '0x0000000000000000000000000000000000000001', blockNumber: 1 },
      checkpointRegistry: { address: registry, blockNumber: 2 },
      accessRegistry: undefined,
    })),
    gatewayUrl: undefined,
    esploraUrl: undefined,
    mockAccounts: [],
    mockRejectSignatures: false,
    devApiKey: undefined,
  }
}
