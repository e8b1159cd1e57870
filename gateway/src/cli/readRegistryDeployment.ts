import { type Address, getAddress } from 'viem'
import { readCheckpointDeployment } from '../anchoring/readCheckpointDeployment.ts'

/** The registries of one chain, as `deployments/<network>.json` records them. */
export type RegistryDeployment = {
  chainId: number
  lantern: Address
  checkpointRegistry: Address
  /** The AccessRegistry, when the file names one (files written before it existed do not). */
  access?: Address
}

/**
 * Reads the chain id and the registry addresses (LanternRegistry, CheckpointRegistry, and the
 * AccessRegistry when there is one) of a
 * deployment file, written by the deployment of the contracts. The file is input: its fields are
 * checked.
 *
 * @throws {Error} naming the file and the field that is missing or malformed.
 * @example readRegistryDeployment('deployments/sepolia.json').lantern // '0x5FbD…0aa3'
 */
export function readRegistryDeployment(file: string): RegistryDeployment {
  // One reader of deployment files (the gateway's): this adds only what the commands require.
  const d = readCheckpointDeployment(file)
  if (d.chainId <= 0) throw new Error(`${file} has no chainId`)
  if (d.lantern === undefined)
    throw new Error(`${file} has no LanternRegistry address (contracts.LanternRegistry.address)`)
  return {
    chainId: d.chainId,
    lantern: getAddress(d.lantern),
    checkpointRegistry: getAddress(d.registry),
    ...(d.access === undefined ? {} : { access: getAddress(d.access) }),
  }
}
