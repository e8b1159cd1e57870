// What a gas benchmark ran on, for its results: package versions, the production compiler
// profile and the chain.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import hre from 'hardhat'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The installed version of `pkg` (from the root node_modules). */
export const versionOf = (pkg: string): string =>
  JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version

/** The compiler (production profile) and the chain the contracts were measured on. */
export function toolchain() {
  const compiler = hre.config.solidity.profiles.production?.compilers[0]
  return {
    compiler: {
      solc: compiler?.version,
      profile: 'production',
      optimizer: compiler?.settings?.optimizer,
      viaIR: compiler?.settings?.viaIR,
      evmVersion: compiler?.settings?.evmVersion,
    },
    chain: {
      hardhat: versionOf('hardhat'),
      edr: versionOf('@nomicfoundation/edr'),
      hardfork: 'osaka (Hardhat default)',
    },
  }
}
