import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chainDefinition } from '../../src/anchoring/chainDefinition.ts'

test("a known chain is viem's, with our RPC only", () => {
  const polygon = chainDefinition({ chainId: 137, name: 'polygon', rpcUrl: 'http://rpc.test' })
  assert.equal(polygon.nativeCurrency.symbol, 'POL')
  assert.match(String(polygon.contracts?.multicall3?.address), /^0xca11bde0/i)
  assert.deepEqual(polygon.rpcUrls, { default: { http: ['http://rpc.test'] } })
})

test('an unknown chain gets a minimal definition under its configured name', () => {
  const c = chainDefinition({ chainId: 987_654_321, name: 'ours', rpcUrl: 'http://rpc.test' })
  assert.equal(c.name, 'ours')
  assert.equal(c.nativeCurrency.decimals, 18)
  assert.equal(c.contracts, undefined)
})
