import { http } from 'viem'
import { type Config, createConfig, injected, mock } from 'wagmi'
import { viemChain } from '../chain/publicClientFor.ts'
import type { AppConfig } from '../config/AppConfig.ts'

/**
 * The wagmi configuration of the page: every configured chain that has an RPC URL, read through
 * that URL; every wallet the browser announces (EIP-6963 discovery: a user with two wallets picks
 * one), plus the legacy `window.ethereum` one; and, only when the configuration lists test
 * accounts, wagmi's mock connector (it forwards signing to the chain's development node).
 *
 * @example const wagmi = createWagmiConfig(config)
 */
export function createWagmiConfig(config: AppConfig): Config | undefined {
  const chains = config.chains.filter((c) => c.rpcUrl !== undefined).map(viemChain)
  const [first, ...rest] = chains
  if (first === undefined) return undefined
  const [account, ...more] = config.mockAccounts
  return createConfig({
    chains: [first, ...rest],
    connectors: [
      injected(),
      ...(account === undefined
        ? []
        : [
            mock({
              accounts: [account, ...more],
              features: { reconnect: true, signTypedDataError: config.mockRejectSignatures },
            }),
          ]),
    ],
    transports: Object.fromEntries(chains.map((c) => [c.id, http(c.rpcUrls.default.http[0])])),
    multiInjectedProviderDiscovery: true,
  })
}
