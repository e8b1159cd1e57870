import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Address, isAddress } from 'viem'

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
    const file = join(dir, name)
    let d: { chainId?: unknown; contracts?: { CheckpointRegistry?: { address?: unknown } } }
    try {
      d = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      throw new Error(`${file} is not JSON: ${(error as Error).message}`)
    }
    const address = d?.contracts?.CheckpointRegistry?.address
    if (!Number.isSafeInteger(d?.chainId) || typeof address !== 'string' || !isAddress(address))
      throw new Error(`${file} has no chainId or CheckpointRegistry address`)
    registries.set(d.chainId as number, address)
  }
  if (registries.size === 0) throw new Error(`no deployment file (*.json) in ${dir}`)
  return registries
}
