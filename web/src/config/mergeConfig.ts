import { getAddress, isAddress } from 'viem'
import type { AppConfig, ChainConfig } from './AppConfig.ts'
import { KNOWN_CHAINS, UNKNOWN_CURRENCY } from './knownChains.ts'
import { type ChainEntry, isHttpUrl, isObject, readChainEntry } from './readChainEntry.ts'

/**
 * Builds a chain from entries in order of precedence (later wins, field by field), over the
 * defaults of {@link KNOWN_CHAINS}.
 *
 * @example chainFromEntries([deploymentEntry, { chainId: 31337, rpcUrl: 'http://127.0.0.1:9545' }])
 */
export function chainFromEntries(entries: ChainEntry[]): ChainConfig {
  const first = entries[0]
  if (first === undefined) throw new Error('chainFromEntries: no entry')
  const known = KNOWN_CHAINS[first.chainId]
  const chain: ChainConfig = {
    chainId: first.chainId,
    name: known?.name ?? `Chain ${first.chainId}`,
    rpcUrl: known?.rpcUrl,
    explorer: known?.explorer ?? {},
    nativeCurrency: known?.nativeCurrency ?? UNKNOWN_CURRENCY,
    multicall3: known?.multicall3,
    lanternRegistry: undefined,
    checkpointRegistry: undefined,
    accessRegistry: undefined,
  }
  for (const entry of entries) {
    if (entry.name !== undefined) chain.name = entry.name
    if (entry.rpcUrl !== undefined) chain.rpcUrl = entry.rpcUrl
    if (entry.explorer !== undefined) chain.explorer = { ...chain.explorer, ...entry.explorer }
    if (entry.lanternRegistry !== undefined) chain.lanternRegistry = entry.lanternRegistry
    if (entry.checkpointRegistry !== undefined) chain.checkpointRegistry = entry.checkpointRegistry
    if (entry.accessRegistry !== undefined) chain.accessRegistry = entry.accessRegistry
  }
  return chain
}

/**
 * Overlays a run-time configuration (`tml.config.json`, untrusted JSON) on the build-time one:
 * chains are merged by `chainId` field by field, new chains are added, and `gatewayUrl` and
 * `testing.mockAccounts` replace the base values. Invalid parts are skipped and reported.
 *
 * @example
 * const { config, issues } = mergeConfig(base, await response.json())
 */
export function mergeConfig(
  base: AppConfig,
  overlay: unknown,
): { config: AppConfig; issues: string[] } {
  const issues: string[] = []
  if (!isObject(overlay))
    return { config: base, issues: ['tml.config.json: not a JSON object, ignored'] }
  const entries = new Map<number, ChainEntry[]>()
  for (const chain of base.chains) entries.set(chain.chainId, [chainToEntry(chain)])
  if (overlay.chains !== undefined) {
    if (!Array.isArray(overlay.chains)) issues.push('tml.config.json: chains must be an array')
    else
      overlay.chains.forEach((value: unknown, i: number) => {
        const read = readChainEntry(value, `tml.config.json chains[${i}]`)
        issues.push(...read.issues)
        if (read.entry === undefined) return
        const list = entries.get(read.entry.chainId) ?? []
        list.push(read.entry)
        entries.set(read.entry.chainId, list)
      })
  }
  let { gatewayUrl, esploraUrl, mockAccounts, mockRejectSignatures } = base
  if (overlay.gatewayUrl !== undefined) {
    if (isHttpUrl(overlay.gatewayUrl)) gatewayUrl = overlay.gatewayUrl
    else issues.push('tml.config.json: gatewayUrl must be an http(s) URL')
  }
  if (overlay.esploraUrl !== undefined) {
    if (isHttpUrl(overlay.esploraUrl)) esploraUrl = overlay.esploraUrl
    else issues.push('tml.config.json: esploraUrl must be an http(s) URL')
  }
  if (isObject(overlay.testing) && overlay.testing.mockAccounts !== undefined) {
    const accounts = overlay.testing.mockAccounts
    if (
      Array.isArray(accounts) &&
      accounts.every((a) => typeof a === 'string' && isAddress(a, { strict: false }))
    )
      mockAccounts = accounts.map((a: string) => getAddress(a))
    else issues.push('tml.config.json: testing.mockAccounts must be a list of addresses')
  }
  if (isObject(overlay.testing) && typeof overlay.testing.mockRejectSignatures === 'boolean')
    mockRejectSignatures = overlay.testing.mockRejectSignatures
  let { devApiKey } = base
  if (isObject(overlay.testing) && overlay.testing.devApiKey !== undefined) {
    const key = overlay.testing.devApiKey
    if (typeof key !== 'string' || !/^[\x21-\x7e]{8,256}$/.test(key))
      issues.push(
        'tml.config.json: testing.devApiKey must be a token (8 to 256 printable characters)',
      )
    else if (!isLoopbackUrl(gatewayUrl))
      issues.push(
        'tml.config.json: testing.devApiKey is ignored: it is for a gateway on this machine (gatewayUrl on 127.0.0.1 or localhost)',
      )
    else devApiKey = key
  }
  const chains = [...entries.values()].map(chainFromEntries)
  return {
    config: { chains, gatewayUrl, esploraUrl, mockAccounts, mockRejectSignatures, devApiKey },
    issues,
  }
}

/** Whether a URL points at this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (url === undefined) return false
  try {
    const host = new URL(url).hostname
    return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
  } catch {
    return false
  }
}

function chainToEntry(chain: ChainConfig): ChainEntry {
  const entry: ChainEntry = { chainId: chain.chainId, name: chain.name, explorer: chain.explorer }
  if (chain.rpcUrl !== undefined) entry.rpcUrl = chain.rpcUrl
  if (chain.lanternRegistry !== undefined) entry.lanternRegistry = chain.lanternRegistry
  if (chain.checkpointRegistry !== undefined) entry.checkpointRegistry = chain.checkpointRegistry
  if (chain.accessRegistry !== undefined) entry.accessRegistry = chain.accessRegistry
  return entry
}
