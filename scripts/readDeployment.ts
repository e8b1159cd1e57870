// Reads a deployment file (DEPLOYMENTS/<network>.json, written by scripts/deploy.ts) and checks
// the fields the stack relies on: a file on disk is input like any other.
import { readFileSync } from 'node:fs'

/** A registry as deployed: its address and the block it was deployed in. */
export type DeployedContract = { address: string; blockNumber: number }

/** The parts of a deployment file the stack uses. */
export type Deployment = {
  network: string
  chainId: number
  contracts: {
    LanternRegistry: DeployedContract
    CheckpointRegistry: DeployedContract
    /** Absent in files written before the AccessRegistry was deployed with the others. */
    AccessRegistry?: DeployedContract
  }
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/

/** @throws {Error} naming the file and the field that is missing or malformed. */
export function readDeployment(file: string): Deployment {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`${file}: cannot read it as JSON (${(error as Error).message})`)
  }
  const value = json as {
    network?: unknown
    chainId?: unknown
    contracts?: Record<string, { address?: unknown; blockNumber?: unknown } | undefined>
  }
  if (typeof value.network !== 'string') throw new Error(`${file}: "network" is missing`)
  if (!Number.isSafeInteger(value.chainId) || (value.chainId as number) < 1)
    throw new Error(`${file}: "chainId" is not a positive integer`)
  const contract = (
    name: 'LanternRegistry' | 'CheckpointRegistry' | 'AccessRegistry',
  ): DeployedContract => {
    const c = value.contracts?.[name]
    if (typeof c?.address !== 'string' || !ADDRESS_RE.test(c.address))
      throw new Error(`${file}: contracts.${name}.address is not a 20-byte 0x address`)
    if (!Number.isSafeInteger(c.blockNumber) || (c.blockNumber as number) < 0)
      throw new Error(`${file}: contracts.${name}.blockNumber is not a block number`)
    return { address: c.address, blockNumber: c.blockNumber as number }
  }
  return {
    network: value.network,
    chainId: value.chainId as number,
    contracts: {
      LanternRegistry: contract('LanternRegistry'),
      CheckpointRegistry: contract('CheckpointRegistry'),
      ...(value.contracts?.AccessRegistry === undefined
        ? {}
        : { AccessRegistry: contract('AccessRegistry') }),
    },
  }
}
