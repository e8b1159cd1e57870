// tml audit against a log that rotated its keys: a fake gateway API serves a log whose epochs 1
// and 2 are signed by the declared keys and epoch 3 on by the keys of a rotation statement, and
// a fake JSON-RPC node answers the CheckpointRegistry's key history (keysAt, keyPeriodAt,
// keyPeriodCount) and anchors (checkpointHashAt) for it.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import {
  bytesToHex,
  CompactTree,
  canonicalBytes,
  checkpointRegistryAbi,
  checkpointStructHash,
  type Hex,
  hashLeaf,
  receiptKeyCommitment,
  receiptPublicKey,
  signCheckpoint,
  signReceipt,
} from '@tml/core'
import { decodeFunctionData, encodeFunctionResult } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { ServedCheckpoint } from '../../src/audit/readApiLog.ts'
import { AUDIT_HELP, auditCommand } from '../../src/cli/auditCommand.ts'
import { freePort } from '../e2e/localChains.ts'

const API_KEY = 'auditor-key-0123456789abcdef'
const CHAIN_ID = 31337
const REGISTRY = '0x00000000000000000000000000000000000000c0'
const logId = bytesToHex(crypto.getRandomValues(new Uint8Array(32))) as Hex
const seed = () => bytesToHex(crypto.getRandomValues(new Uint8Array(32))) as Hex
// Period 0: the declared keys, epochs 1 and 2. Period 1: a rotation of the checkpoint signer from
// epoch 3 on. The receipt key stays (statements repeat it); the chain holds its commitment
// keccak256(x ‖ y), the log claims the full P-256 key.
const receiptSeed = seed()
const periods = [0, 1].map((index) => {
  const account = privateKeyToAccount(generatePrivateKey())
  return {
    index,
    fromEpoch: index === 0 ? 1n : 3n,
    account,
    receiptSeed,
    receiptPublicKey: receiptPublicKey(receiptSeed),
    receiptKey: receiptKeyCommitment(receiptPublicKey(receiptSeed)),
  }
})
const periodOf = (epoch: number) => (epoch >= 3 ? periods[1] : periods[0]) as (typeof periods)[0]
const SIZES = [2, 4, 6] // tree size of epochs 1, 2, 3

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    }),
  )
}

const capture = (env: Record<string, string> = {}) => {
  let text = ''
  return {
    out: (t: string) => {
      text += t
    },
    err: (t: string) => {
      text += t
    },
    env,
    text: () => text,
  }
}

describe('tml audit', () => {
  let api: string
  let rpcUrl: string
  const servers: Server[] = []
  const calls: string[] = []

  before(async () => {
    const now = Math.floor(Date.now() / 1000)
    const epochOfSeq = (seq: number) => SIZES.findIndex((size) => size > seq) + 1
    const entries = Array.from({ length: 6 }, (_, seq) => {
      const traceId = randomUUID()
      const mtl = { v: 'test', log_id: logId, seq, trace_id: traceId, note: `entry ${seq}` }
      const leafHash = bytesToHex(hashLeaf(canonicalBytes(mtl))) as Hex
      const receipt = signReceipt({
        receipt: {
          v: 'tml-receipt/2',
          logId,
          traceId,
          seq,
          leafHash,
          timestamp: new Date(now * 1000).toISOString(),
        },
        privateKey: periodOf(epochOfSeq(seq)).receiptSeed,
      })
      return { seq, trace_id: receipt.traceId, leaf_hash: leafHash, mtl, receipt }
    })
    const tree = new CompactTree()
    const checkpoints: ServedCheckpoint[] = []
    for (const [i, size] of SIZES.entries()) {
      while (tree.size < size) tree.append(hashLeaf(canonicalBytes(entries[tree.size]?.mtl)))
      const checkpoint = {
        logId,
        epoch: i + 1,
        treeSize: size,
        rootHash: bytesToHex(tree.root()) as Hex,
        timestamp: now,
      }
      const signature = await signCheckpoint({
        checkpoint: {
          ...checkpoint,
          epoch: BigInt(checkpoint.epoch),
          treeSize: BigInt(size),
          timestamp: BigInt(now),
        },
        account: periodOf(i + 1).account,
      })
      checkpoints.push({
        checkpoint,
        signature,
        anchors: [
          {
            chainId: CHAIN_ID,
            registry: REGISTRY,
            status: 'confirmed',
            txHash: null,
            blockNumber: 1,
          },
        ],
      })
    }

    const gateway = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${API_KEY}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}')
        return
      }
      const url = new URL(req.url ?? '/', 'http://x')
      const from = Number(url.searchParams.get('from') ?? 1)
      const start = Number(url.searchParams.get('start') ?? 0)
      const body = url.pathname.endsWith('/checkpoints')
        ? {
            log_id: logId,
            // The log claims its newest keys, as a gateway after a rotation would.
            log: {
              checkpointSigner: periods[1]?.account.address,
              receiptPublicKey: periods[1]?.receiptPublicKey,
            },
            checkpoints: checkpoints.filter((c) => c.checkpoint.epoch >= from),
          }
        : { entries: entries.slice(start) }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
    const node = createServer(async (req, res) => {
      let raw = ''
      for await (const chunk of req) raw += chunk
      const answer = (request: { id: number; method: string; params: unknown[] }) => {
        const ok = (result: unknown) => ({ jsonrpc: '2.0', id: request.id, result })
        if (request.method === 'eth_chainId') return ok(`0x${CHAIN_ID.toString(16)}`)
        if (request.method !== 'eth_call') throw new Error(`unexpected ${request.method}`)
        const { data } = request.params[0] as { data: Hex }
        const call = decodeFunctionData({ abi: checkpointRegistryAbi, data })
        calls.push(call.functionName)
        const encode = (result: unknown) =>
          ok(
            encodeFunctionResult({
              abi: checkpointRegistryAbi,
              functionName: call.functionName,
              result,
            } as never),
          )
        const args = call.args as readonly [Hex, bigint]
        switch (call.functionName) {
          case 'keysAt': {
            const p = periodOf(Number(args[1]))
            return encode([p.account.address, p.receiptKey, BigInt(p.index)])
          }
          case 'keyPeriodAt': {
            const p = periods[Number(args[1])] as (typeof periods)[0]
            return encode({
              signer: p.account.address,
              receiptKey: p.receiptKey,
              fromEpoch: p.fromEpoch,
            })
          }
          case 'keyPeriodCount':
            return encode(BigInt(periods.length))
          case 'head': {
            const last = checkpoints.at(-1)?.checkpoint
            assert.ok(last)
            return encode([
              BigInt(last.epoch),
              last.rootHash,
              BigInt(last.treeSize),
              BigInt(last.timestamp),
            ])
          }
          case 'maxEpochIntervalOf':
            return encode(3600n)
          case 'checkpointHashAt': {
            const served = checkpoints[Number(args[1]) - 1]?.checkpoint
            assert.ok(served)
            return encode(
              checkpointStructHash({
                ...served,
                epoch: BigInt(served.epoch),
                treeSize: BigInt(served.treeSize),
                timestamp: BigInt(served.timestamp),
              }),
            )
          }
          default:
            throw new Error(`unexpected call ${call.functionName}`)
        }
      }
      const request = JSON.parse(raw)
      const result = Array.isArray(request) ? request.map(answer) : answer(request)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result))
    })
    servers.push(gateway, node)
    api = await listen(gateway)
    rpcUrl = await listen(node)
  })
  after(() => {
    for (const s of servers) s.close()
  })

  const audit = async (extra: string[] = [], env: Record<string, string> = {}) => {
    const io = capture(env)
    const code = await auditCommand({
      argv: [
        '--api',
        api,
        '--log',
        logId,
        '--rpc',
        `${CHAIN_ID}=${rpcUrl}`,
        '--registry',
        `${CHAIN_ID}=${REGISTRY}`,
        '--quiet',
        ...extra,
      ],
      io,
    })
    return { code, text: io.text() }
  }

  const pinned = () => ['--rpc', `${CHAIN_ID}=${rpcUrl}`, '--registry', `${CHAIN_ID}=${REGISTRY}`]

  test('default: a log that rotated its keys is checked against each period’s keys, clean', async () => {
    calls.length = 0
    const { code, text } = await audit(['--api-key', API_KEY])
    assert.equal(code, 0, text)
    assert.match(text, /log 0x[0-9a-f]{64}: 6 entries, 3 checkpoints, 1 chain\n/)
    assert.match(text, /audit clean/)
    // One read of each period (keysAt, its bounds), not one per epoch or receipt.
    assert.equal(calls.filter((c) => c === 'keysAt').length, 2, calls.join(' '))
  })

  test('behavior: one signer for the whole log would report the rotated epochs', async () => {
    const { code, text } = await audit([
      '--api-key',
      API_KEY,
      '--signer',
      periods[0]?.account.address ?? '',
    ])
    assert.equal(code, 1, text)
    assert.match(text, /PROBLEM signature: epoch 3: signed by 0x[0-9a-fA-F]{40}, not /)
    assert.doesNotMatch(text, /epoch [12]:/)
    assert.match(text, /tml audit: 1 problem\n/)
  })

  test('behavior: the API key comes from TML_API_KEY; the former --token still works', async () => {
    assert.equal((await audit([], { TML_API_KEY: API_KEY })).code, 0)
    assert.equal((await audit(['--token', API_KEY])).code, 0)
  })

  test('errors: no or a wrong API key says which option sets it', async () => {
    const { code, text } = await audit()
    assert.equal(code, 1)
    assert.match(
      text,
      /refused a request without an API key \(HTTP 401\): pass --api-key or set TML_API_KEY/,
    )
  })

  test('errors: a port nothing listens on: cannot reach the gateway at URL, and why', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const io = capture()
    const code = await auditCommand({
      argv: ['--api', url, '--log', logId, '--api-key', API_KEY, ...pinned()],
      io,
    })
    assert.equal(code, 1)
    assert.match(io.text(), new RegExp(`cannot reach the gateway at ${url}: connect ECONNREFUSED`))
    assert.doesNotMatch(io.text(), /fetch failed/)
  })

  test('errors: a server that is not a gateway is named as such', async () => {
    const page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>')
    })
    servers.push(page)
    const url = await listen(page)
    const io = capture()
    const code = await auditCommand({
      argv: ['--api', url, '--log', logId, '--api-key', API_KEY, ...pinned()],
      io,
    })
    assert.equal(code, 1)
    assert.match(io.text(), /does not answer as a TML gateway \(.*text\/html\)/)
  })

  test('default: --help names the default port 8787 and the API key', async () => {
    assert.match(AUDIT_HELP, /http:\/\/127\.0\.0\.1:8787/)
    assert.doesNotMatch(AUDIT_HELP, /8080/)
    assert.match(AUDIT_HELP, /--api-key KEY/)
    assert.match(AUDIT_HELP, /TML_API_KEY/)
    const io = capture()
    assert.equal(await auditCommand({ argv: ['--help'], io }), 0)
    assert.match(io.text(), /^Usage: tml audit/)
  })
})
