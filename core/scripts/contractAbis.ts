// The registries' ABIs as the Hardhat artifacts hold them: the one source that
// scripts/generate-abis.ts writes into src/contracts/abis.ts and that test/contracts/abis.test.ts
// compares the committed file with.
import { readFileSync } from 'node:fs'

/** The contracts whose ABIs core publishes, with the name of the exported constant. */
export const ABI_CONTRACTS = [
  ['LanternRegistry', 'lanternRegistryAbi'],
  ['CheckpointRegistry', 'checkpointRegistryAbi'],
  ['AccessRegistry', 'accessRegistryAbi'],
] as const

/** The compiled artifact of `name` under contracts/`folder` (run `npm run compile` at the root first). */
export const artifactUrl = (name: string, folder = ''): URL =>
  new URL(`../../artifacts/contracts/${folder}${name}.sol/${name}.json`, import.meta.url)

/** The ABI of contract `name` from its Hardhat artifact. */
export function readArtifactAbi(name: string): unknown[] {
  return (JSON.parse(readFileSync(artifactUrl(name), 'utf8')) as { abi: unknown[] }).abi
}
