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
      lanternRegistry: { address: '0x0000000000000000000000000000000000000001', blockNumber: 1 },
      checkpointRegistry: { address: registry, blockNumber: 2 },
    })),
    gatewayUrl: undefined,
    mockAccounts: [],
    mockRejectSignatures: false,
  }
}
