import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Address, isAddress } from 'viem'
import { readCheckpointDeployment } from '../anchoring/readCheckpointDeployment.ts'
import { parsePairs } from './parsePairs.ts'

/**
 * A CheckpointRegistry a verifier trusts on one chain, and the first block its event searches
 * read there: the registry's deployment block (it emitted nothing before, and public RPC nodes
 * refuse `eth_getLogs` from block 0), or 0 when no deployment file says.
 */
export type PinnedRegistry = { registry: Address; fromBlock: bigint }

/**
 * The CheckpointRegistry of each chain in a deployments directory (`<network>.json` files written
 * by scripts/deploy.ts), with its deployment block: what a verifier trusts instead of the
 * addresses a bundle names.
 *
 * @throws {Error} naming the directory or the file that cannot be read or has no registry.
 * @example readDeploymentChains('deployments') // Map { 31337 => { registry: '0xe7f1…', fromBlock: 2n } }
 */
export function readDeploymentChains(dir: string): Map<number, PinnedRegistry> {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  } catch (error) {
    throw new Error(`cannot read the deployments directory ${dir}: ${(error as Error).message}`)
  }
  const registries = new Map<number, PinnedRegistry>()
  for (const name of names) {
    const { chainId, registry, deploymentBlock } = readCheckpointDeployment(join(dir, name))
    registries.set(chainId, { registry, fromBlock: deploymentBlock ?? 0n })
  }
  if (registries.size === 0) throw new Error(`no deployment file (*.json) in ${dir}`)
  return registries
}

/**
 * The CheckpointRegistry of each chain in a deployments directory (see
 * {@link readDeploymentChains}), without the blocks.
 *
 * @throws {Error} naming the directory or the file that cannot be read or has no registry.
 * @example readDeploymentRegistries('deployments') // Map { 31337 => '0xe7f1…' }
 */
export function readDeploymentRegistries(dir: string): Map<number, Address> {
  return new Map([...readDeploymentChains(dir)].map(([chainId, p]) => [chainId, p.registry]))
}

/**
 * The registries a CLI command trusts: each `<network>.json` of `--deployments DIR`, then each
 * `--registry CHAINID=ADDR` (which wins for its chain). The one rule for where event searches
 * start: a registry keeps the deployment block its file gives when `--registry` names the same
 * address; a registry known only from `--registry` starts at 0 (the command's `--from-block`,
 * where it has one, raises it).
 *
 * @throws {Error} when the directory or a file cannot be read, or a value is not an address.
 * @example pinnedRegistries({ deployments: 'deployments', registry: ['31337=0xe7f1…'] })
 */
export function pinnedRegistries({
  deployments,
  registry,
}: {
  deployments: string | undefined
  registry: readonly string[] | undefined
}): Map<number, PinnedRegistry> {
  const pinned = deployments === undefined ? new Map() : readDeploymentChains(deployments)
  for (const [chainId, address] of parsePairs(registry, '--registry')) {
    if (!isAddress(address)) throw new TypeError(`--registry: ${address} is not an address`)
    const known = pinned.get(chainId)
    pinned.set(chainId, {
      registry: address,
      fromBlock: known?.registry.toLowerCase() === address.toLowerCase() ? known.fromBlock : 0n,
    })
  }
  return pinned
}
