import type { AppConfig, ChainConfig } from '../config/AppConfig.ts'
import { ChainNotConfiguredError } from './errors.ts'

/**
 * The configured chain with id `chainId`.
 * @throws {ChainNotConfiguredError}
 * @example chainById(config, 31337).name // 'Ethereum (local)'
 */
export function chainById(config: AppConfig, chainId: number): ChainConfig {
  const chain = config.chains.find((c) => c.chainId === chainId)
  if (chain === undefined) throw new ChainNotConfiguredError(chainId)
  return chain
}
