import { readFileSync } from 'node:fs'
import { type Address, getAddress, isAddress } from 'viem'

/** Both registries of one chain, as `deployments/<network>.json` records them. */
export type RegistryDeployment = {
  chainId: number
  lantern: Address
  checkpointRegistry: Address
}

/**
 * Reads the chain id and both registry addresses (LanternRegistry, CheckpointRegistry) of a
 * deployment file, written by the deployment of the contracts. The file is input: its fields are
 * checked.
 *
 * @throws {Error} naming the file and the field that is missing or malformed.
 * @example readRegistryDeployment('deployments/sepolia.json').lantern // '0x5FbD…0aa3'
 */
export function readRegistryDeployment(file: string): RegistryDeployment {
  let d: {
    chainId?: unknown
    contracts?: Record<string, { address?: unknown } | undefined>
  }
  try {
    d = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`cannot read ${file} as JSON: ${(error as Error).message}`)
  }
  const address = (name: string): Address => {
    const a = d?.contracts?.[name]?.address
    if (typeof a !== 'string' || !isAddress(a))
      throw new Error(`${file} has no ${name} address (contracts.${name}.address)`)
    return getAddress(a)
  }
  if (!Number.isSafeInteger(d?.chainId) || (d.chainId as number) <= 0)
    throw new Error(`${file} has no chainId`)
  return {
    chainId: d.chainId as number,
    lantern: address('LanternRegistry'),
    checkpointRegistry: address('CheckpointRegistry'),
  }
}
