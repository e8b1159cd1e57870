import type { AppConfig } from './AppConfig.ts'
import { chainFromEntries } from './mergeConfig.ts'
import { type ChainEntry, isHttpUrl, readChainEntry } from './readChainEntry.ts'

// Bundled at build time: every deployments/<network>.json of the repository.
const deploymentFiles = import.meta.glob('../../../deployments/*.json', {
  eager: true,
  import: 'default',
})

/**
 * The configuration the page is built with: one chain per `deployments/*.json`, RPC URLs from
 * `VITE_RPC_URL_<chainId>` (else the chain's default), the gateway from `VITE_GATEWAY_URL`.
 *
 * @example const base = buildTimeConfig(import.meta.env)
 */
export function buildTimeConfig(
  env: Record<string, unknown> = import.meta.env,
  files: Record<string, unknown> = deploymentFiles,
): { config: AppConfig; issues: string[] } {
  const issues: string[] = []
  const byChain = new Map<number, ChainEntry[]>()
  for (const [path, value] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const read = readChainEntry(value, path.replace(/^(\.\.\/)+/, ''))
    issues.push(...read.issues)
    if (read.entry)
      byChain.set(read.entry.chainId, [...(byChain.get(read.entry.chainId) ?? []), read.entry])
  }
  for (const [key, value] of Object.entries(env)) {
    const match = /^VITE_RPC_URL_(\d+)$/.exec(key)
    if (!match) continue
    const chainId = Number(match[1])
    if (!isHttpUrl(value)) {
      issues.push(`${key} must be an http(s) URL`)
      continue
    }
    byChain.set(chainId, [...(byChain.get(chainId) ?? [{ chainId }]), { chainId, rpcUrl: value }])
  }
  const gateway = env.VITE_GATEWAY_URL
  return {
    config: {
      chains: [...byChain.values()].map(chainFromEntries),
      gatewayUrl: isHttpUrl(gateway) ? gateway : undefined,
      esploraUrl: isHttpUrl(env.VITE_ESPLORA_URL) ? env.VITE_ESPLORA_URL : undefined,
      mockAccounts: [],
      mockRejectSignatures: false,
      // Never from the build: only a local stack's tml.config.json carries it.
      devApiKey: undefined,
    },
    issues,
  }
}
