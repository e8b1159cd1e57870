import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Address } from 'viem'
import { readCheckpointDeployment } from '../anchoring/readCheckpointDeployment.ts'

/**
 * The CheckpointRegistry of each chain in a deployments directory (`<network>.json` files written
 * by scripts/deploy.ts): what a verifier trusts instead of the addresses a bundle names.
 *
 * @throws {Error} naming the directory or the file that cannot be read or has no registry.
 * @example readDeploymentRegistries('deployments') // Map { 31337 => '0xe7f1…' }
 */
export function readDeploymentRegistries(dir: string): Map<number, Address> {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  } catch (error) {
    throw new Error(`cannot read the deployments directory ${dir}: ${(error as Error).message}`)
  }
  const registries = new Map<number, Address>()
  for (const name of names) {
    const { chainId, registry } = readCheckpointDeployment(join(dir, name))
    registries.set(chainId, registry)
  }
  if (registries.size === 0) throw new Error(`no deployment file (*.json) in ${dir}`)
  return registries
}
