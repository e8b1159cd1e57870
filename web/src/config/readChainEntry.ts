import { getAddress, isAddress } from 'viem'
import type { ContractDeployment, ExplorerPatterns } from './AppConfig.ts'

/** What one entry of a configuration (or a deployments/<network>.json file) says about a chain. */
export type ChainEntry = {
  chainId: number
  name?: string
  rpcUrl?: string
  explorer?: ExplorerPatterns
  lanternRegistry?: ContractDeployment
  checkpointRegistry?: ContractDeployment
  accessRegistry?: ContractDeployment
}

/**
 * Reads one chain entry from untrusted JSON: a deployment file as `npm run deploy` writes it
 * (`chainId`, `contracts.LanternRegistry`, `contracts.CheckpointRegistry`), optionally with
 * `name`, `rpcUrl` and `explorer`. Returns the entry and what was wrong with it; fields that are
 * wrong are left out, never guessed.
 *
 * @example readChainEntry(JSON.parse(deploymentFile), 'deployments/ethereumLocal.json')
 */
export function readChainEntry(
  value: unknown,
  where: string,
): { entry: ChainEntry | undefined; issues: string[] } {
  const issues: string[] = []
  if (!isObject(value)) return { entry: undefined, issues: [`${where}: not an object`] }
  const { chainId } = value
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0)
    return { entry: undefined, issues: [`${where}: chainId must be a positive integer`] }
  const entry: ChainEntry = { chainId }
  if (typeof value.name === 'string' && value.name.trim() !== '') entry.name = value.name.trim()
  if (value.rpcUrl !== undefined) {
    if (isHttpUrl(value.rpcUrl)) entry.rpcUrl = value.rpcUrl
    else issues.push(`${where}: rpcUrl must be an http(s) URL`)
  }
  if (value.explorer !== undefined) {
    const explorer: ExplorerPatterns = {}
    if (isObject(value.explorer)) {
      for (const key of ['tx', 'block', 'address'] as const) {
        const pattern = value.explorer[key]
        if (pattern === undefined) continue
        if (isHttpUrl(pattern)) explorer[key] = pattern
        else issues.push(`${where}: explorer.${key} must be an http(s) URL pattern`)
      }
    } else issues.push(`${where}: explorer must be an object`)
    entry.explorer = explorer
  }
  const contracts = value.contracts
  if (contracts !== undefined) {
    if (!isObject(contracts)) issues.push(`${where}: contracts must be an object`)
    else {
      for (const [name, key] of [
        ['LanternRegistry', 'lanternRegistry'],
        ['CheckpointRegistry', 'checkpointRegistry'],
        ['AccessRegistry', 'accessRegistry'],
      ] as const) {
        if (contracts[name] === undefined) continue
        const deployment = readDeployment(contracts[name])
        if (deployment) entry[key] = deployment
        else issues.push(`${where}: contracts.${name} needs an address and a blockNumber`)
      }
    }
  }
  return { entry, issues }
}

function readDeployment(value: unknown): ContractDeployment | undefined {
  if (!isObject(value)) return undefined
  const { address, blockNumber } = value
  if (typeof address !== 'string' || !isAddress(address, { strict: false })) return undefined
  if (typeof blockNumber !== 'number' || !Number.isSafeInteger(blockNumber) || blockNumber < 0)
    return undefined
  return { address: getAddress(address), blockNumber }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value.replace(/\{(hash|number|address)\}/g, 'x'))
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
