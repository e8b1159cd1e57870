import type { AppConfig } from '../config/AppConfig.ts'

/**
 * A chain's name for people: the configured name with its id, or just the id.
 * @example chainName(config, 31337) // 'Ethereum (local) (chain 31337)'
 */
export function chainName(config: AppConfig, chainId: number): string {
  const chain = config.chains.find((c) => c.chainId === chainId)
  return chain ? `${chain.name} (chain ${chainId})` : `chain ${chainId}`
}
