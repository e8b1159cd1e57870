import { readFileSync } from 'node:fs'
import { type Address, isAddress } from 'viem'

/** What the gateway and `tml verify` take from a deployment file: the chain's CheckpointRegistry. */
export type CheckpointDeployment = {
  chainId: number
  registry: Address
  /** The block the registry was deployed in, when the file says (older files do not). */
  deploymentBlock?: bigint
  /** The chain's LanternRegistry, when the file names one (the operator's commands need it). */
  lantern?: Address
  /**
   * The chain's AccessRegistry (custodians per log, auditor grants), when the file names one:
   * files written before it was deployed do not.
   */
  access?: Address
  /** The block the AccessRegistry was deployed in: where a watcher of its events starts. */
  accessBlock?: bigint
}

/**
 * Reads the CheckpointRegistry of a deployment file (`<network>.json`, written by
 * scripts/deploy.ts). The file is input like any other: its fields are checked.
 *
 * @throws {Error} naming the file when it cannot be read as JSON or has no chain id or registry.
 * @example readCheckpointDeployment('deployments/sepolia.json').registry
 */
export function readCheckpointDeployment(file: string): CheckpointDeployment {
  let d: {
    chainId?: unknown
    contracts?: {
      CheckpointRegistry?: { address?: unknown; blockNumber?: unknown }
      LanternRegistry?: { address?: unknown }
      AccessRegistry?: { address?: unknown; blockNumber?: unknown }
    }
  }
  try {
    d = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`)
  }
  const registry = d?.contracts?.CheckpointRegistry?.address
  const block = d?.contracts?.CheckpointRegistry?.blockNumber
  const lantern = d?.contracts?.LanternRegistry?.address
  const access = d?.contracts?.AccessRegistry
  if (!Number.isSafeInteger(d?.chainId) || typeof registry !== 'string' || !isAddress(registry))
    throw new Error(`${file} has no chainId or CheckpointRegistry address`)
  // Optional, but a file that names one must name it right: a typo must not silently turn the
  // custodians-from-chain check off.
  if (access !== undefined && (typeof access?.address !== 'string' || !isAddress(access.address)))
    throw new Error(`${file}: contracts.AccessRegistry.address is not an address`)
  return {
    chainId: d.chainId as number,
    registry,
    ...(Number.isSafeInteger(block) && (block as number) >= 0
      ? { deploymentBlock: BigInt(block as number) }
      : {}),
    ...(typeof lantern === 'string' && isAddress(lantern) ? { lantern } : {}),
    ...(access === undefined ? {} : { access: access.address as Address }),
    ...(access !== undefined &&
    Number.isSafeInteger(access.blockNumber) &&
    (access.blockNumber as number) >= 0
      ? { accessBlock: BigInt(access.blockNumber as number) }
      : {}),
  }
}
