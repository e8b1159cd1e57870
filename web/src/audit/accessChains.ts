import type { AppConfig, ChainConfig, ContractDeployment } from '../config/AppConfig.ts'

/** A configured chain the auditor view can use: it has an RPC URL and an AccessRegistry. */
export type AccessChain = ChainConfig & { rpcUrl: string; accessRegistry: ContractDeployment }

/**
 * The chains of this page's configuration where auditors can request access: those with an
 * RPC URL and an AccessRegistry (from `deployments/*.json` or `tml.config.json`). Addresses
 * never come from a form: the page trusts its own configuration, as the verifier does.
 *
 * @example const [first] = accessChains(config)
 */
export function accessChains(config: AppConfig): AccessChain[] {
  return config.chains.filter(
    (c): c is AccessChain => c.rpcUrl !== undefined && c.accessRegistry !== undefined,
  )
}
