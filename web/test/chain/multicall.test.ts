import { checkpointRegistryAbi, lanternRegistryAbi } from '@tml/core'
import {
  decodeFunctionData,
  encodeFunctionResult,
  type Hex,
  isAddressEqual,
  multicall3Abi,
} from 'viem'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { chainById } from '../../src/chain/chainById.ts'
import { publicClientFor } from '../../src/chain/publicClientFor.ts'
import type { AppConfig } from '../../src/config/AppConfig.ts'
import { mergeConfig } from '../../src/config/mergeConfig.ts'
import { fixtureConfig } from '../fixtures.ts'

const LANTERN = '0x00000000000000000000000000000000000000a1'
const CHECKPOINTS = '0x00000000000000000000000000000000000000c1'
const OPERATOR = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const SIGNER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const logId = `0x${'ab'.repeat(32)}` as Hex

type RpcCall = { method: string; params: unknown[]; id: number }

/** A fake JSON-RPC endpoint over `fetch`: answers Multicall3's aggregate3 and plain eth_calls. */
function stubRpc() {
  const bodies: RpcCall[][] = []
  const answer = (to: string, data: Hex): Hex => {
    if (isAddressEqual(to as Hex, LANTERN))
      return encodeFunctionResult({
        abi: lanternRegistryAbi,
        functionName: 'logInfo',
        result: {
          operator: OPERATOR,
          maxEpochInterval: 3600n,
          declaredAt: 1n,
          retired: false,
          signer: SIGNER,
          receiptKey: `0x${'11'.repeat(32)}`,
          name: 'gateway-1',
        },
      })
    const call = decodeFunctionData({ abi: checkpointRegistryAbi, data })
    expect(call.functionName).toBe('keysAt')
    return encodeFunctionResult({
      abi: checkpointRegistryAbi,
      functionName: 'keysAt',
      result: [SIGNER, `0x${'11'.repeat(32)}`, 0n],
    })
  }
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as RpcCall | RpcCall[]
    const calls = Array.isArray(body) ? body : [body]
    bodies.push(calls)
    const results = calls.map(({ id, method, params }) => {
      if (method === 'eth_chainId') return { jsonrpc: '2.0', id, result: '0x89' }
      const [{ to, data }] = params as [{ to: string; data: Hex }]
      if (to.toLowerCase() === '0xca11bde05977b3631167028862be2a173976ca11') {
        const { args } = decodeFunctionData({ abi: multicall3Abi, data })
        const inner = (args?.[0] ?? []) as readonly { target: Hex; callData: Hex }[]
        return {
          jsonrpc: '2.0',
          id,
          result: encodeFunctionResult({
            abi: multicall3Abi,
            functionName: 'aggregate3',
            result: inner.map((c) => ({ success: true, returnData: answer(c.target, c.callData) })),
          }),
        }
      }
      return { jsonrpc: '2.0', id, result: answer(to, data) }
    })
    return new Response(JSON.stringify(Array.isArray(body) ? results : results[0]), {
      headers: { 'content-type': 'application/json' },
    })
  })
  return bodies
}

afterEach(() => {
  vi.unstubAllGlobals()
})

function configFor(chainId: number, rpcUrl: string) {
  return mergeConfig(fixtureConfig(), {
    chains: [
      {
        chainId,
        rpcUrl,
        contracts: {
          LanternRegistry: { address: LANTERN, blockNumber: 1 },
          CheckpointRegistry: { address: CHECKPOINTS, blockNumber: 1 },
        },
      },
    ],
  }).config
}

/** Two reads made together, as core's verifier makes them (the log's declaration and its keys). */
async function readTogether(config: AppConfig, chainId: number) {
  const client = publicClientFor(chainById(config, chainId))
  const [log, [signer]] = await Promise.all([
    client.readContract({
      address: LANTERN,
      abi: lanternRegistryAbi,
      functionName: 'logInfo',
      args: [logId],
    }),
    client.readContract({
      address: CHECKPOINTS,
      abi: checkpointRegistryAbi,
      functionName: 'keysAt',
      args: [logId, 3n],
    }),
  ])
  return { name: log.name, signer }
}

describe('batched reads', () => {
  test('behavior: on a chain with Multicall3 (Polygon), reads made together are one aggregate3 eth_call', async () => {
    const bodies = stubRpc()
    const config = configFor(137, 'https://polygon.rpc.test/a')
    const read = await readTogether(config, 137)
    expect(read).toEqual({ name: 'gateway-1', signer: SIGNER })
    const calls = bodies.flat().filter((c) => c.method === 'eth_call')
    expect(calls).toHaveLength(1)
    const [only] = calls
    expect((only?.params[0] as { to: string } | undefined)?.to.toLowerCase()).toBe(
      '0xca11bde05977b3631167028862be2a173976ca11',
    )
  })

  test('behavior: on a local chain without Multicall3, the same reads are single eth_calls in one JSON-RPC batch', async () => {
    const bodies = stubRpc()
    const config = configFor(31338, 'http://127.0.0.1:1/polygon-local')
    const read = await readTogether(config, 31338)
    expect(read).toEqual({ name: 'gateway-1', signer: SIGNER })
    const calls = bodies.flat().filter((c) => c.method === 'eth_call')
    expect(calls.map((c) => (c.params[0] as { to: string }).to.toLowerCase()).sort()).toEqual([
      LANTERN,
      CHECKPOINTS,
    ])
  })
})
