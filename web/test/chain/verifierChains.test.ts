import { describe, expect, test } from 'vitest'
import { verifierChains } from '../../src/chain/verifierChains.ts'
import { fixtureConfig } from '../fixtures.ts'

describe('verifierChains', () => {
  test('default: each chain’s event searches start at its CheckpointRegistry’s deployment block', () => {
    const config = fixtureConfig()
    config.chains.forEach((chain, i) => {
      if (chain.checkpointRegistry) chain.checkpointRegistry.blockNumber = 5_000_000 + i
    })
    const chains = verifierChains(config)
    expect(chains.map((c) => [c.chainId, c.checkpointRegistry, c.fromBlock])).toEqual(
      config.chains.map((c, i) => [
        c.chainId,
        c.checkpointRegistry?.address,
        5_000_000n + BigInt(i),
      ]),
    )
  })

  test('behavior: a chain without an RPC or a CheckpointRegistry is left out', () => {
    const config = fixtureConfig()
    const [first, second] = config.chains
    if (first) first.rpcUrl = undefined
    if (second) second.checkpointRegistry = undefined
    expect(verifierChains(config)).toEqual([])
  })
})
