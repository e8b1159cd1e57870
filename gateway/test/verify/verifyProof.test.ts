// The shared verifier against real chains: two Hardhat EDR nodes with the registries deployed, a
// gateway anchoring on both, and the attacks a verifier must catch done on chain for real (a
// registry that holds another root, one that holds other keys, a proven equivocation).
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  checkpointFromJson,
  checkpointRegistryAbi,
  type Hex,
  type ProofBundle,
  type ProofVerdict,
  receiptKeyCommitment,
  receiptPublicKey,
  signCheckpoint,
  signKeyRotation,
  type VerifierChain,
  verifyProof,
} from '@tml/core'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { CliIo } from '../../src/cli/io.ts'
import { verifyCommand } from '../../src/cli/verifyCommand.ts'
import {
  type AnchoredGateway,
  eventually,
  type Fixture,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from '../e2e/anchoredGateway.ts'
import { DEV_KEYS, LOG_NAME } from '../e2e/localChains.ts'
import { auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const artifact = (name: string) =>
  JSON.parse(
    readFileSync(join(ROOT, 'artifacts', 'contracts', `${name}.sol`, `${name}.json`), 'utf8'),
  ) as { abi: Abi; bytecode: Hex }

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

function wallets(chain: Chain) {
  const definition = defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [chain.nodeUrl] } },
  })
  const client = createPublicClient({ chain: definition, transport: http(chain.nodeUrl) })
  const wallet = (key: Hex) =>
    createWalletClient({
      chain: definition,
      transport: http(chain.nodeUrl),
      account: privateKeyToAccount(key),
    })
  return {
    client,
    admin: wallet(DEV_KEYS.admin),
    operator: wallet(DEV_KEYS.operator),
    relayer: wallet(DEV_KEYS.relayer),
  }
}

/**
 * Another pair of registries on `chain`, where the operator declares the same log (same name,
 * keys and interval, so the same log id): what a verifier would read if it pinned this
 * deployment. Returns its CheckpointRegistry.
 */
async function deployOtherRegistries(fixture: Fixture, chain: Chain): Promise<Address> {
  const { client, admin, operator } = wallets(chain)
  const deploy = async (name: string, args: unknown[]) => {
    const a = artifact(name)
    const hash = await admin.deployContract({ abi: a.abi, bytecode: a.bytecode, args })
    const receipt = await client.waitForTransactionReceipt({ hash })
    assert.ok(receipt.contractAddress)
    return receipt.contractAddress
  }
  const lanternAbi = artifact('LanternRegistry').abi
  const lantern = await deploy('LanternRegistry', [0, admin.account.address])
  const registry = await deploy('CheckpointRegistry', [lantern])
  const send = async (wallet: typeof admin, functionName: string, args: unknown[]) => {
    const hash = await wallet.writeContract({
      address: lantern,
      abi: lanternAbi,
      functionName,
      args,
    })
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, 'success')
  }
  await send(admin, 'setCheckpointRegistry', [registry])
  await send(operator, 'registerOperator', [
    'https://operator.test/tml.json',
    `0x${'11'.repeat(32)}`,
  ])
  const signer = privateKeyToAccount(fixture.checkpointKey).address
  const receiptKey = receiptKeyCommitment(receiptPublicKey(fixture.receiptSeed))
  await send(operator, 'declareLog', [LOG_NAME, signer, receiptKey, 3600n])
  return registry
}

async function sendToRegistry(
  chain: Chain,
  registry: Address,
  functionName: string,
  args: unknown[],
) {
  const { client, relayer } = wallets(chain)
  const hash = await relayer.writeContract({
    address: registry,
    abi: checkpointRegistryAbi,
    functionName: functionName as never,
    args: args as never,
  })
  const receipt = await client.waitForTransactionReceipt({ hash })
  assert.equal(receipt.status, 'success', functionName)
  return hash
}

const failing = (v: ProofVerdict) => v.steps.filter((s) => !s.ok).map((s) => s.id)
const stepOf = (v: ProofVerdict, id: string) => {
  const step = v.steps.find((s) => s.id === id)
  assert.ok(step, `no step ${id}`)
  return step
}

describe('verifyProof and tml verify against two real chains', () => {
  let gw: AnchoredGateway
  let early: ProofBundle
  let bundle: ProofBundle
  const fixture = useChains({
    started: async (f) => {
      gw = await startAnchoredGateway(f)
      const bundleOf = async (traceId: string, minEpoch: number) =>
        eventually(
          async () => {
            const res = await gw.app.inject({ url: `/v1/traces/${traceId}/proof`, headers: auth })
            const b = res.statusCode === 200 ? (res.json() as ProofBundle) : undefined
            return b && b.anchors.length === 2 && b.checkpoint.epoch >= minEpoch ? b : undefined
          },
          30_000,
          `bundle of ${traceId}`,
        )
      const post = async () => {
        const res = await gw.app.inject({
          method: 'POST',
          url: '/v1/decisions',
          headers: auth,
          payload: { ...SMALLEST, profile: 'finance' },
        })
        assert.equal(res.statusCode, 200, res.body)
        return (res.json() as { trace_id: string }).trace_id
      }
      early = await bundleOf(await post(), 1)
      // A second epoch, so that a key period from epoch 2 covers the later bundle.
      bundle = await bundleOf(await post(), Math.max(2, early.checkpoint.epoch + 1))
      await gw.gateway.lane?.stop()
    },
    stopping: async () => {
      await gw?.close()
    },
  })
  const chainsOf = (
    f: Fixture,
    registries: Partial<Record<number, Address>> = {},
  ): VerifierChain[] =>
    f.chains.map((c) => ({
      chainId: c.chainId,
      client: createPublicClient({ transport: http(c.nodeUrl) }),
      checkpointRegistry: registries[c.chainId] ?? c.registry,
    }))
  const writeBundle = (b: ProofBundle) => {
    const file = join(tempDir(), 'bundle.json')
    writeFileSync(file, JSON.stringify(b))
    return file
  }

  test('default: anchored on both chains: valid, with block and time read from each chain, the Lantern and the log status', async () => {
    const f = fixture()
    const verdict = await verifyProof({ bundle, chains: chainsOf(f) })
    assert.deepEqual(failing(verdict), [], JSON.stringify(verdict.steps, null, 1))
    // The gateway's .ots is still with the calendars: a notice, not a failure.
    assert.equal(stepOf(verdict, 'ots').outcome, 'notice')
    for (const anchor of bundle.anchors) {
      const on = verdict.anchoredOn.find((a) => a.chainId === anchor.chainId)
      assert.ok(on, `anchored on ${anchor.chainId}`)
      assert.equal(on.txHash, anchor.txHash)
      assert.equal(on.blockNumber, BigInt(anchor.blockNumber))
      const client = createPublicClient({
        transport: http(f.chains.find((c) => c.chainId === anchor.chainId)?.nodeUrl),
      })
      const block = await client.getBlock({ blockNumber: BigInt(anchor.blockNumber) })
      assert.equal(on.blockTime, block.timestamp)
    }
    assert.equal(verdict.log?.status, 'active')
    assert.deepEqual(
      verdict.lanterns.map((l) => [l.chainId, l.logName, l.lit, l.reason]),
      f.chains.map((c) => [c.chainId, LOG_NAME, false, 'NeverCertified']),
    )
    assert.equal(stepOf(verdict, 'lantern').outcome, 'notice')
  })

  test('behavior: tml verify with one --rpc of two: the other chain is unchecked, not INVALID; --json is only JSON', async () => {
    const f = fixture()
    const [ethereum, polygon] = f.chains
    assert.ok(ethereum && polygon)
    const file = writeBundle(bundle)
    const deployments = writeDeployments(f)
    const io = bufferIo()
    const code = await verifyCommand({
      argv: [
        file,
        '--rpc',
        `${ethereum.chainId}=${ethereum.nodeUrl}`,
        '--deployments',
        deployments,
      ],
      io,
    })
    assert.equal(code, 0, io.stdout() + io.stderr())
    assert.match(io.stdout(), new RegExp(`-- {3}anchor:${polygon.chainId}: .*\\n.*Not checked`))
    assert.match(
      io.stdout(),
      new RegExp(
        `anchored on chain ${ethereum.chainId}: block ${bundle.anchors.find((a) => a.chainId === ethereum.chainId)?.blockNumber} at 20\\d\\d-`,
      ),
    )
    assert.match(io.stdout(), new RegExp(`not checked: chain ${polygon.chainId}`))
    assert.match(io.stdout(), /log status: active/)
    assert.match(
      io.stdout(),
      /Lantern on chain 31337: operator 0x[0-9a-fA-F]{40} \(log "gateway-e2e"\) dark: never certified; policy 0x[0-9a-f]{64} NOT covered/,
    )
    assert.match(io.stdout(), /bundle valid on the checked chains/)
    assert.doesNotMatch(io.stderr(), /INVALID/)

    const json = bufferIo()
    assert.equal(
      await verifyCommand({
        argv: [
          file,
          '--rpc',
          `${ethereum.chainId}=${ethereum.nodeUrl}`,
          '--deployments',
          deployments,
          '--json',
        ],
        io: json,
      }),
      0,
    )
    const verdict = JSON.parse(json.stdout()) as {
      status: string
      unchecked: { chainId: number }[]
    }
    assert.equal(verdict.status, 'valid-with-unchecked')
    assert.deepEqual(
      verdict.unchecked.map((u) => u.chainId),
      [polygon.chainId],
    )
  })

  test('behavior: a pinned registry that holds another root for the epoch: the anchor and the agreement fail, naming both chains', async () => {
    const f = fixture()
    const [ethereum, polygon] = f.chains
    assert.ok(ethereum && polygon)
    const other = await deployOtherRegistries(f, polygon)
    const forged = {
      ...checkpointFromJson(bundle.checkpoint),
      rootHash: `0x${'ab'.repeat(32)}` as Hex,
    }
    const signature = await signCheckpoint({
      checkpoint: forged,
      account: privateKeyToAccount(f.checkpointKey),
    })
    await sendToRegistry(polygon, other, 'anchor', [forged, [], signature])
    const verdict = await verifyProof({ bundle, chains: chainsOf(f, { [polygon.chainId]: other }) })
    assert.deepEqual(failing(verdict), [`anchor:${polygon.chainId}`, 'agreement'])
    assert.match(
      stepOf(verdict, 'agreement').reason ?? '',
      new RegExp(
        `Chains ${ethereum.chainId} and ${polygon.chainId} hold different checkpoints for epoch ${bundle.checkpoint.epoch}`,
      ),
    )
  })

  test('behavior: a pinned registry that holds other keys for the epoch: the keys step fails, naming the chains', async () => {
    const f = fixture()
    const [ethereum, polygon] = f.chains
    assert.ok(ethereum && polygon)
    const other = await deployOtherRegistries(f, polygon)
    const next = privateKeyToAccount(generatePrivateKey())
    const rotation = {
      logId: f.logId,
      index: 1n,
      fromEpoch: BigInt(bundle.checkpoint.epoch),
      signer: next.address,
      receiptKey: `0x${'cd'.repeat(32)}` as Hex,
    }
    const signature = await signKeyRotation({
      rotation,
      account: privateKeyToAccount(f.checkpointKey),
    })
    await sendToRegistry(polygon, other, 'rotateKeys', [rotation, signature])
    const verdict = await verifyProof({ bundle, chains: chainsOf(f, { [polygon.chainId]: other }) })
    assert.deepEqual(failing(verdict).slice(0, 3), [
      'keys',
      'checkpointSignature',
      'receiptSignature',
    ])
    const keys = stepOf(verdict, 'keys')
    assert.match(
      keys.reason ?? '',
      new RegExp(
        `chains disagree on the log's keys \\(chains ${ethereum.chainId} vs ${polygon.chainId}\\)`,
      ),
    )
    assert.match(keys.detail ?? '', new RegExp(`chain ${polygon.chainId}: signer ${next.address}`))
    // The earlier bundle's epoch is before the rotation: both chains agree on it.
    const before = await verifyProof({
      bundle: early,
      chains: chainsOf(f, { [polygon.chainId]: other }),
    })
    assert.equal(stepOf(before, 'keys').outcome, 'pass')
  })

  // Last: it marks the log compromised on the real registry of chain 31338.
  test('behavior: a log proven to equivocate on one chain is not valid; tml verify names the proof transaction', async () => {
    const f = fixture()
    const [, polygon] = f.chains
    assert.ok(polygon)
    const account = privateKeyToAccount(f.checkpointKey)
    const anchored = checkpointFromJson(bundle.checkpoint)
    const forked = { ...anchored, rootHash: `0x${'ef'.repeat(32)}` as Hex }
    const proofTx = await sendToRegistry(polygon, polygon.registry, 'reportEquivocation', [
      { checkpoint: anchored, signature: bundle.checkpointSignature },
      { checkpoint: forked, signature: await signCheckpoint({ checkpoint: forked, account }) },
    ])
    const verdict = await verifyProof({ bundle, chains: chainsOf(f) })
    assert.equal(verdict.status, 'invalid')
    assert.deepEqual(failing(verdict), ['logStatus'])
    assert.deepEqual(
      verdict.log?.compromise.map((p) => [p.chainId, p.txHash, p.kind]),
      [[polygon.chainId, proofTx, 'SameEpoch']],
    )
    const dark = verdict.lanterns.find((l) => l.chainId === polygon.chainId)
    assert.equal(dark?.reason, 'LogEquivocated')

    const io = bufferIo()
    const code = await verifyCommand({
      argv: [
        writeBundle(bundle),
        ...f.chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`]),
        '--deployments',
        writeDeployments(f),
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
  })
})
