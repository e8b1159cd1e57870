// Where event searches start: public RPC nodes refuse `eth_getLogs` from block 0, so `tml
// monitor` (and `tml receipt check`, through the same reader) searches each chain from its
// registry's deployment block, as the deployments file gives it. Two real EDR chains, each
// behind a recording JSON-RPC proxy on 127.0.0.1 that keeps every request it forwards.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { type Address, createPublicClient, http } from 'viem'
import { monitorCommand } from '../../src/cli/monitorCommand.ts'
import { connectChains, pinRegistries } from '../../src/monitor/PinnedChain.ts'
import { readChainAnchors } from '../../src/monitor/readChainAnchors.ts'
import { useChains } from '../e2e/anchoredGateway.ts'
import { tempDir } from '../helpers/memory.ts'

type RpcRequest = { method: string; params?: unknown[] }

/** A JSON-RPC proxy to `target` that records every request (batches included). */
async function recordingProxy(target: string) {
  const requests: RpcRequest[] = []
  const server: Server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[]
    requests.push(...(Array.isArray(parsed) ? parsed : [parsed]))
    const answer = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    res.writeHead(answer.status, { 'content-type': 'application/json' })
    res.end(await answer.text())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The first block of every eth_getLogs sent so far, as sent. */
    logSearchesFrom: () =>
      requests
        .filter((r) => r.method === 'eth_getLogs')
        .map((r) => (r.params?.[0] as { fromBlock?: string } | undefined)?.fromBlock ?? 'earliest'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The first block at which `address` has code: the block its contract was deployed in. */
async function deploymentBlock(rpcUrl: string, address: Address): Promise<bigint> {
  const client = createPublicClient({ transport: http(rpcUrl) })
  let low = 0n
  let high = await client.getBlockNumber()
  while (low < high) {
    const mid = (low + high) / 2n
    const code = await client.getCode({ address, blockNumber: mid })
    if (code !== undefined && code !== '0x') high = mid
    else low = mid + 1n
  }
  return low
}

describe('event searches start at the registry’s deployment block', () => {
  const fixture = useChains()
  const proxies: Awaited<ReturnType<typeof recordingProxy>>[] = []
  after(async () => {
    for (const p of proxies) await p.close()
  })

  /** A deployments directory naming each chain's registry and the block it was deployed in. */
  const setUp = async () => {
    const f = fixture()
    const dir = tempDir()
    const chains = []
    for (const c of f.chains) {
      const block = await deploymentBlock(c.nodeUrl, c.registry)
      assert.ok(block > 0n, 'the registry is not in the genesis block')
      writeFileSync(
        join(dir, `${c.name}.json`),
        JSON.stringify({
          chainId: c.chainId,
          contracts: { CheckpointRegistry: { address: c.registry, blockNumber: Number(block) } },
        }),
      )
      const proxy = await recordingProxy(c.nodeUrl)
      proxies.push(proxy)
      chains.push({ chainId: c.chainId, block, proxy })
    }
    return { f, dir, chains }
  }

  test('default: tml monitor, even with --from-block 0, searches no block before the deployment', async () => {
    const { f, dir, chains } = await setUp()
    const io = { out: () => {}, err: () => {}, env: {} }
    const code = await monitorCommand({
      argv: [
        '--log',
        f.logId,
        ...chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.proxy.url}`]),
        '--deployments',
        dir,
        '--from-block',
        '0',
        '--once',
      ],
      io,
    })
    assert.equal(code, 0)
    for (const c of chains) {
      const from = c.proxy.logSearchesFrom()
      assert.ok(from.length > 0, `chain ${c.chainId} was searched`)
      for (const block of from)
        assert.ok(
          block !== 'earliest' && BigInt(block) >= c.block,
          `chain ${c.chainId}: a search from ${block}, before the deployment at ${c.block}`,
        )
    }
  })

  test('behavior: the anchor reader (tml receipt check’s too) starts at the chain’s block, whatever it is asked', async () => {
    const { f, dir, chains } = await setUp()
    const connected = await connectChains({
      rpc: new Map(chains.map((c) => [c.chainId, c.proxy.url])),
      registries: pinRegistries({ deployments: dir, registry: undefined }),
      reporter: undefined,
    })
    for (const chain of connected) {
      const expected = chains.find((c) => c.chainId === chain.chainId)
      assert.equal(chain.fromBlock, expected?.block)
      const latest = await chain.client.getBlockNumber()
      await readChainAnchors({ chain, logId: f.logId, fromBlock: 0n, toBlock: latest })
      const from = expected?.proxy.logSearchesFrom() ?? []
      assert.ok(from.length > 0)
      for (const block of from) assert.ok(BigInt(block) >= (expected?.block as bigint), block)
    }
  })

  test('behavior: --registry naming the deployed address keeps its block; another address starts at 0', () => {
    const f = fixture()
    const dir = tempDir()
    const [first] = f.chains
    assert.ok(first)
    writeFileSync(
      join(dir, 'one.json'),
      JSON.stringify({
        chainId: first.chainId,
        contracts: { CheckpointRegistry: { address: first.registry, blockNumber: 7 } },
      }),
    )
    const same = pinRegistries({
      deployments: dir,
      registry: [`${first.chainId}=${first.registry.toLowerCase()}`],
    })
    assert.equal(same.get(first.chainId)?.fromBlock, 7n)
    const other = pinRegistries({
      deployments: dir,
      registry: [`${first.chainId}=0x${'12'.repeat(20)}`],
    })
    assert.equal(other.get(first.chainId)?.fromBlock, 0n)
  })
})
