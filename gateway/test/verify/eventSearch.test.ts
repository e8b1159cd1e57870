// Event searches over a long chain behind a provider that caps eth_getLogs: two real EDR chains
// with 20,000 empty blocks mined after the anchors (hardhat_mine), each reached through a real
// HTTP JSON-RPC proxy on 127.0.0.1 that refuses a range above its cap in a public provider's own
// words (Infura: "range N exceeds limit of 1000", code -32602; Alchemy: "You can make eth_getLogs
// requests with up to a 500 block range…", code -32600). One search from the registry's
// deployment to the head, as the verifier made before, is refused; the paged search
// (core's searchBlockRanges) finds the anchor, the compromise proof and the monitor's anchors.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import {
  checkpointFromJson,
  checkpointRegistryAbi,
  type Hex,
  type ProofBundle,
  signCheckpoint,
  type VerifierChain,
  verifyProof,
} from '@tml/core'
import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { CliIo } from '../../src/cli/io.ts'
import { verifyCommand } from '../../src/cli/verifyCommand.ts'
import { connectChains, pinRegistries } from '../../src/monitor/PinnedChain.ts'
import { readChainAnchors } from '../../src/monitor/readChainAnchors.ts'
import {
  type AnchoredGateway,
  eventually,
  type Fixture,
  startAnchoredGateway,
  useChains,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../e2e/localChains.ts'
import { auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const MINED = 20_000

type Rpc = { jsonrpc: '2.0'; id: number | string; method: string; params?: unknown[] }

/** How a provider refuses a range above its cap: the JSON-RPC error it answers. */
const PROVIDERS = {
  infura: (cap: bigint, from: bigint, to: bigint) => ({
    code: -32602,
    message: `range ${to - from} exceeds limit of ${cap}`,
  }),
  alchemy: (cap: bigint, from: bigint) => ({
    code: -32600,
    message: `You can make eth_getLogs requests with up to a ${cap} block range. Based on your parameters, this block range should work: [0x${from.toString(16)}, 0x${(from + cap - 1n).toString(16)}]`,
  }),
}

/**
 * A JSON-RPC proxy to `target` that refuses `eth_getLogs` over more than `cap` blocks (a
 * `latest` or missing toBlock is the head, asked of the node) with `provider`'s error, and
 * answers the first `rateLimited` eth_getLogs with HTTP 429. Records every eth_getLogs range.
 */
async function cappingProxy({
  target,
  cap,
  provider,
  rateLimited = 0,
}: {
  target: string
  cap: bigint
  provider: keyof typeof PROVIDERS
  rateLimited?: number
}) {
  const ranges: { from: bigint; to: bigint; refused: boolean }[] = []
  let limited = rateLimited
  const forward = async (body: string) => {
    const answer = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    return { status: answer.status, text: await answer.text() }
  }
  const block = async (tag: unknown): Promise<bigint> => {
    if (typeof tag === 'string' && tag.startsWith('0x')) return BigInt(tag)
    if (tag === 'earliest') return 0n
    const head = await forward(
      JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'eth_blockNumber', params: [] }),
    )
    return BigInt((JSON.parse(head.text) as { result: Hex }).result)
  }
  const server: Server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const request = JSON.parse(body) as Rpc
    if (request.method === 'eth_getLogs') {
      if (limited > 0) {
        limited--
        res.writeHead(429, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: request.id,
            error: { code: 429, message: 'Too Many Requests' },
          }),
        )
        return
      }
      const filter = (request.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string }
      const from = await block(filter.fromBlock ?? 'latest')
      const to = await block(filter.toBlock ?? 'latest')
      const refused = to - from + 1n > cap
      ranges.push({ from, to, refused })
      if (refused) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: request.id,
            error: PROVIDERS[provider](cap, from, to),
          }),
        )
        return
      }
    }
    const answer = await forward(body)
    res.writeHead(answer.status, { 'content-type': 'application/json' })
    res.end(answer.text)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ranges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function bufferIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = ''
  let err = ''
  return {
    out: (t) => {
      out += t
    },
    err: (t) => {
      err += t
    },
    env: {},
    stdout: () => out,
    stderr: () => err,
  }
}

type Chain = Fixture['chains'][number]

const clientOf = (url: string) => createPublicClient({ transport: http(url, { retryCount: 0 }) })

describe('event searches over a long chain behind a provider that caps eth_getLogs', () => {
  let gw: AnchoredGateway
  let bundle: ProofBundle
  const proxies: Awaited<ReturnType<typeof cappingProxy>>[] = []
  const fixture = useChains({
    started: async (f) => {
      gw = await startAnchoredGateway(f)
      const res = await gw.app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: auth,
        payload: { ...SMALLEST, profile: 'finance' },
      })
      assert.equal(res.statusCode, 200, res.body)
      const traceId = (res.json() as { trace_id: string }).trace_id
      bundle = await eventually(
        async () => {
          const r = await gw.app.inject({ url: `/v1/traces/${traceId}/proof`, headers: auth })
          const b = r.statusCode === 200 ? (r.json() as ProofBundle) : undefined
          return b && b.anchors.length === 2 ? b : undefined
        },
        30_000,
        `bundle of ${traceId}`,
      )
      await gw.gateway.lane?.stop()
      // A long chain: 20,000 empty blocks after the anchors on each.
      for (const c of f.chains)
        await clientOf(c.nodeUrl).request({
          method: 'hardhat_mine' as never,
          params: [`0x${MINED.toString(16)}`] as never,
        })
    },
    stopping: async () => {
      for (const p of proxies) await p.close()
      await gw?.close()
    },
  })
  after(async () => {
    for (const p of proxies.splice(0)) await p.close()
  })

  /** Chain 31337 behind Infura's cap of 1,000 blocks, 31338 behind Alchemy's of 500. */
  const capped = async (f: Fixture, rateLimited = 0) => {
    const [ethereum, polygon] = f.chains as [Chain, Chain]
    const infura = await cappingProxy({
      target: ethereum.nodeUrl,
      cap: 1_000n,
      provider: 'infura',
      rateLimited,
    })
    const alchemy = await cappingProxy({ target: polygon.nodeUrl, cap: 500n, provider: 'alchemy' })
    proxies.push(infura, alchemy)
    return [
      { chain: ethereum, proxy: infura, cap: 1_000n },
      { chain: polygon, proxy: alchemy, cap: 500n },
    ] as const
  }

  const deploymentsDir = (f: Fixture) => {
    const dir = tempDir()
    for (const c of f.chains)
      writeFileSync(
        join(dir, `${c.name}.json`),
        JSON.stringify({
          chainId: c.chainId,
          contracts: { CheckpointRegistry: { address: c.registry, blockNumber: 1 } },
        }),
      )
    return dir
  }

  test('witness: one search from the deployment to the head, as the verifier sent it before, is refused in the provider’s words', async () => {
    const f = fixture()
    for (const { chain, proxy } of await capped(f)) {
      const client = clientOf(proxy.url)
      assert.ok((await client.getBlockNumber()) > BigInt(MINED))
      await assert.rejects(
        client.getContractEvents({
          address: chain.registry,
          abi: checkpointRegistryAbi,
          eventName: 'CheckpointAnchored',
          args: { logId: f.logId },
          fromBlock: 1n,
          toBlock: 'latest',
        }),
        chain.chainId === 31337
          ? /range \d+ exceeds limit of 1000/
          : /You can make eth_getLogs requests with up to a 500 block range/,
      )
    }
  })

  test('behavior: a bundle that names only one anchor: the verifier pages back through 20,000 blocks and says where and when the other chain anchored it', async () => {
    const f = fixture()
    const chains = await capped(f)
    const [ethereum] = chains
    // As fetched before the second chain's anchor was known: only 31338's anchor is named.
    const early: ProofBundle = {
      ...bundle,
      anchors: bundle.anchors.filter((a) => a.chainId !== ethereum.chain.chainId),
    }
    const verifierChains: VerifierChain[] = chains.map(({ chain, proxy }) => ({
      chainId: chain.chainId,
      client: clientOf(proxy.url),
      checkpointRegistry: chain.registry,
      fromBlock: 1n,
    }))
    const verdict = await verifyProof({ bundle: early, chains: verifierChains })
    assert.deepEqual(
      verdict.steps.filter((s) => !s.ok).map((s) => s.id),
      [],
      JSON.stringify(verdict.steps, null, 1),
    )
    const real = bundle.anchors.find((a) => a.chainId === ethereum.chain.chainId)
    const on = verdict.anchoredOn.find((a) => a.chainId === ethereum.chain.chainId)
    assert.ok(real && on)
    assert.equal(on.txHash, real.txHash)
    assert.equal(on.blockNumber, BigInt(real.blockNumber))
    const block = await clientOf(ethereum.chain.nodeUrl).getBlock({
      blockNumber: BigInt(real.blockNumber),
    })
    assert.equal(on.blockTime, block.timestamp)
    // Newest pages first, none above the cap after the first refusal, ended at the anchor.
    const asked = ethereum.proxy.ranges
    assert.equal(asked[0]?.refused, true)
    assert.ok(asked.length > MINED / 1_000, `${asked.length} requests`)
    assert.ok(asked.slice(1).every((r) => !r.refused && r.to - r.from + 1n <= 1_000n))
    assert.ok(asked.every((r) => r.from >= 1n))
    assert.ok((asked.at(-1)?.from ?? 0n) <= BigInt(real.blockNumber))

    // tml verify, the same verifier behind the CLI, prints it.
    const file = join(tempDir(), 'bundle.json')
    writeFileSync(file, JSON.stringify(early))
    const io = bufferIo()
    const code = await verifyCommand({
      argv: [
        file,
        ...chains.flatMap(({ chain, proxy }) => ['--rpc', `${chain.chainId}=${proxy.url}`]),
        '--deployments',
        deploymentsDir(f),
      ],
      io,
    })
    assert.equal(code, 0, io.stdout() + io.stderr())
    assert.match(
      io.stdout(),
      new RegExp(
        `anchored on chain ${ethereum.chain.chainId}: block ${real.blockNumber} at 20\\d\\d-`,
      ),
    )
  })

  test('behavior: the monitor’s anchor reader pages through a capped, rate-limiting provider and finds every anchor', async () => {
    const f = fixture()
    const chains = await capped(f, 2)
    const connected = await connectChains({
      rpc: new Map(chains.map(({ chain, proxy }) => [chain.chainId, proxy.url])),
      registries: pinRegistries({ deployments: deploymentsDir(f), registry: undefined }),
      reporter: undefined,
    })
    for (const chain of connected) {
      const { proxy, cap } = chains.find((c) => c.chain.chainId === chain.chainId) ?? {}
      assert.ok(proxy && cap)
      const latest = await chain.client.getBlockNumber()
      const anchors = await readChainAnchors({
        chain,
        logId: f.logId,
        fromBlock: 0n,
        toBlock: latest,
      })
      const anchored = bundle.anchors.find((a) => a.chainId === chain.chainId)
      assert.ok(
        anchors.some(
          (a) =>
            a.txHash === anchored?.txHash &&
            a.checkpoint.epoch === BigInt(bundle.checkpoint.epoch) &&
            a.signature === bundle.checkpointSignature,
        ),
        `chain ${chain.chainId}: ${anchors.length} anchors`,
      )
      // Every block from the deployment to the head read once, in accepted pages.
      const read = proxy.ranges.filter((r) => !r.refused)
      assert.equal(read[0]?.from, 1n)
      for (let i = 1; i < read.length; i++)
        assert.equal(read[i]?.from, (read[i - 1]?.to ?? 0n) + 1n)
      assert.equal(read.at(-1)?.to, latest)
      assert.ok(read.every((r) => r.to - r.from + 1n <= cap))
    }
  })

  // Last: it marks the log compromised on chain 31338.
  test('behavior: a log proven compromised: the proof transaction is found 20,000 blocks back through Alchemy’s 500-block cap', async () => {
    const f = fixture()
    const [, polygon] = f.chains as [Chain, Chain]
    const definition = defineChain({
      id: polygon.chainId,
      name: polygon.name,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [polygon.nodeUrl] } },
    })
    const relayer = createWalletClient({
      chain: definition,
      transport: http(polygon.nodeUrl),
      account: privateKeyToAccount(DEV_KEYS.relayer),
    })
    const anchored = checkpointFromJson(bundle.checkpoint)
    const forked = { ...anchored, rootHash: `0x${'ef'.repeat(32)}` as Hex }
    const proofTx = await relayer.writeContract({
      address: polygon.registry,
      abi: checkpointRegistryAbi,
      functionName: 'reportEquivocation',
      args: [
        { checkpoint: anchored, signature: bundle.checkpointSignature },
        {
          checkpoint: forked,
          signature: await signCheckpoint({
            checkpoint: forked,
            account: privateKeyToAccount(f.checkpointKey),
          }),
        },
      ],
    })
    const receipt = await clientOf(polygon.nodeUrl).waitForTransactionReceipt({ hash: proofTx })
    assert.equal(receipt.status, 'success')
    // The report is followed by another 20,000 blocks: it is far from the head too.
    await clientOf(polygon.nodeUrl).request({
      method: 'hardhat_mine' as never,
      params: [`0x${MINED.toString(16)}`] as never,
    })
    const chains = await capped(f)
    const io = bufferIo()
    const file = join(tempDir(), 'bundle.json')
    writeFileSync(file, JSON.stringify(bundle))
    const code = await verifyCommand({
      argv: [
        file,
        ...chains.flatMap(({ chain, proxy }) => ['--rpc', `${chain.chainId}=${proxy.url}`]),
        '--deployments',
        deploymentsDir(f),
      ],
      io,
    })
    assert.equal(code, 1)
    assert.match(
      io.stdout(),
      new RegExp(
        `log status: compromised; proof on chain ${polygon.chainId}: SameEpoch in transaction ${proofTx}`,
      ),
    )
    assert.match(io.stderr(), /bundle INVALID, failing steps: logStatus/)
    const asked = chains[1].proxy.ranges
    assert.ok(asked.some((r) => r.refused))
    assert.ok(asked.filter((r) => !r.refused).every((r) => r.to - r.from + 1n <= 500n))
  })
})
