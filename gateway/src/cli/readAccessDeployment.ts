import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Address } from 'viem'
import { readCheckpointDeployment } from '../anchoring/readCheckpointDeployment.ts'

/** The AccessRegistry of one chain and the block it was deployed in (0 when the file does not say). */
export type AccessDeployment = { access: Address; fromBlock: bigint; file: string }

/**
 * The AccessRegistry of chain `chainId` among the deployment files of `dir` (`<network>.json`,
 * written by scripts/deploy.ts): what `tml custodian`, `tml audit-access` and `tml gateway start`
 * use when no `--access-registry` is given. Undefined when no file of that chain names one
 * (files written before the AccessRegistry was deployed with the other registries).
 *
 * @throws {Error} when the directory cannot be read, or a file of the chain is malformed.
 * @example readAccessDeployment('deployments', 31337)?.access // '0x9fE4…a6e0'
 */
export function readAccessDeployment(dir: string, chainId: number): AccessDeployment | undefined {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  } catch (error) {
    throw new Error(`cannot read the deployments directory ${dir}: ${(error as Error).message}`)
  }
  for (const name of names.sort()) {
    const file = join(dir, name)
    const d = readCheckpointDeployment(file)
    if (d.chainId === chainId && d.access !== undefined)
      return { access: d.access, fromBlock: d.accessBlock ?? 0n, file }
  }
  return undefined
}
