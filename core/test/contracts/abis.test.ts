// The ABIs core publishes are the compiled contracts' ABIs: a contract change without
// `npm run generate:abis --workspace core` fails here (and so in CI), not in a user's wallet.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ABI_CONTRACTS, readArtifactAbi } from '../../scripts/contractAbis.ts'
import { accessRegistryAbi, checkpointRegistryAbi, lanternRegistryAbi } from '../../src/index.ts'

const PUBLISHED: Record<(typeof ABI_CONTRACTS)[number][1], unknown> = {
  lanternRegistryAbi,
  checkpointRegistryAbi,
  accessRegistryAbi,
}

describe('contract ABIs', () => {
  for (const [name, constant] of ABI_CONTRACTS) {
    test(`behavior: ${constant} is ${name}'s ABI as the current artifact has it`, () => {
      const published = PUBLISHED[constant]
      assert.deepEqual(
        published,
        readArtifactAbi(name),
        `core/src/contracts/abis.ts is stale for ${name}: run npm run compile && npm run generate:abis --workspace core`,
      )
    })
  }
})
