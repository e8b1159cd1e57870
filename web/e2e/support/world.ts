// A real TML Anchor world on local chains, for the end-to-end tests: two Hardhat nodes started
// by scripts/chains.ts on free ports, both registries deployed by scripts/deploy.ts, an operator
// with a declared log, a certifier, and a log of MTLs whose checkpoints are signed and anchored
// on both chains through the real CheckpointRegistry. Everything the page later checks is real;
// only the keys are Hardhat's well-known development keys.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  stringToHex,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  buildConsistencyProof,
  buildInclusionProof,
  bytesToHex,
  type Checkpoint,
  CompactTree,
  checkpointRegistryAbi,
  checkpointToJson,
  hashMtl,
  lanternRegistryAbi,
  MemoryNodeStore,
  type Mtl,
  type ProofBundle,
  receiptKeyCommitment,
  receiptPublicKey,
  signCheckpoint,
  signReceipt,
} from '../../../core/src/index.ts'
import {
  sampleDecisionMtl,
  samplePauseMtl,
  sampleResolutionMtl,
} from '../../../core/test/fixtures/mtl.ts'
import { tempDir } from '../../../gateway/test/helpers/tempDir.ts'
import { pendingOts } from './ots.ts'
import { freePort, ROOT, type Running, runNode, startNode, stop, waitForLine } from './processes.ts'

/** Hardhat's well-known development keys (PUBLIC test keys: never use them for anything else). */
export const DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
] as const satisfies readonly Hex[]

const address = (i: number): Address => privateKeyToAccount(DEV_KEYS[i] as Hex).address

/** Who is who: admin deploys; operator runs the log; signer signs its checkpoints. */
export const ROLES = {
  admin: address(0),
  operator: address(1),
  signer: address(2),
  certifier: address(3),
  newOperator: address(4),
  reviewer: address(5),
} as const

export const LOG_NAME = 'gateway-1'
export const MAX_EPOCH_INTERVAL = 3600n
export const RECEIPT_SEED: Hex = `0x${'5e'.repeat(32)}`
export const LICENSE_HASH = keccak256(stringToHex('TML License v1'))
export const CALENDAR = 'https://calendar.test.invalid'

/** One chain of the world. */
export type WorldChain = {
  name: 'ethereum' | 'polygon'
  chainId: number
  rpcUrl: string
  deployment: {
    network: string
    chainId: number
    contracts: Record<
      'LanternRegistry' | 'CheckpointRegistry',
      { address: Address; blockNumber: number; transactionHash: Hex }
    >
  }
  publicClient: PublicClient
  wallet: WalletClient
}

/** The world's chains as the page's configuration lists them (`tml.config.json`, `chains`). */
export function pageChains(world: Pick<World, 'chains'>) {
  return world.chains.map((c) => ({
    chainId: c.chainId,
    rpcUrl: c.rpcUrl,
    contracts: c.deployment.contracts,
  }))
}

/** One anchored epoch, as the tests expect the page to show it. */
export type WorldEpoch = { checkpoint: Checkpoint; signature: Hex; txHashes: Record<number, Hex> }

export type World = {
  chains: WorldChain[]
  deploymentsDir: string
  logId: Hex
  mtls: Mtl[]
  epochs: WorldEpoch[]
  /** RFC 9162 consistency proof between two sizes of the world's log (what a gateway serves). */
  consistencyProof(first: number, second: number): Promise<Hex[]>
  /** A valid bundle of leaf `leafIndex` in epoch `epoch` (1-based). */
  bundle(leafIndex: number, epoch: number): Promise<ProofBundle>
  /** Anchors the next epoch over the first `treeSize` MTLs on every chain. */
  anchorNext(treeSize: number): Promise<WorldEpoch>
  /** Moves both chains' clocks forward. */
  advanceTime(seconds: number): Promise<void>
  stop(): Promise<void>
}

/** Starts the chains, deploys, declares the log, and anchors `epochSizes` (a late gap before the last). */
export async function startWorld({
  epochSizes = [2, 3, 5, 7],
  lateBeforeLast = true,
}: {
  epochSizes?: number[]
  lateBeforeLast?: boolean
} = {}): Promise<World> {
  const ports = { ethereum: await freePort(), polygon: await freePort() }
  const chainsProcess = startNode([
    join(ROOT, 'scripts', 'chains.ts'),
    '--ethereum-port',
    String(ports.ethereum),
    '--polygon-port',
    String(ports.polygon),
  ])
  let running: Running | undefined = chainsProcess
  try {
    await waitForLine(chainsProcess, /^chains: ready /, 90_000)
    const deploymentsDir = tempDir('tml-web-e2e-')
    const rpc = {
      ethereum: `http://127.0.0.1:${ports.ethereum}`,
      polygon: `http://127.0.0.1:${ports.polygon}`,
    }
    const hardhatCli = join(ROOT, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')
    const env = {
      DEPLOYMENTS_DIR: deploymentsDir,
      ETHEREUM_LOCAL_RPC_URL: rpc.ethereum,
      POLYGON_LOCAL_RPC_URL: rpc.polygon,
    }
    for (const network of ['ethereumLocal', 'polygonLocal']) {
      const { code, output } = await runNode(
        [hardhatCli, 'run', '--network', network, join(ROOT, 'scripts', 'deploy.ts')],
        env,
      )
      if (code !== 0) throw new Error(`deploy to ${network} failed:\n${output}`)
    }
    const chains: WorldChain[] = (['ethereum', 'polygon'] as const).map((name) => {
      const network = name === 'ethereum' ? 'ethereumLocal' : 'polygonLocal'
      const deployment = JSON.parse(readFileSync(join(deploymentsDir, `${network}.json`), 'utf8'))
      const transport = http(rpc[name])
      return {
        name,
        chainId: deployment.chainId,
        rpcUrl: rpc[name],
        deployment,
        publicClient: createPublicClient({ transport }) as PublicClient,
        wallet: createWalletClient({ transport }),
      }
    })
    const world = await seed(chains, deploymentsDir, epochSizes, lateBeforeLast, () =>
      stop(chainsProcess),
    )
    running = undefined
    return world
  } catch (error) {
    await stop(running)
    throw error
  }
}

async function seed(
  chains: WorldChain[],
  deploymentsDir: string,
  epochSizes: number[],
  lateBeforeLast: boolean,
  stopChains: () => Promise<void>,
): Promise<World> {
  const send = async (
    chain: WorldChain,
    from: Address,
    write: { address: Address; abi: unknown; functionName: string; args: unknown[] },
  ) => {
    const request = { ...write, account: from, chain: null }
    const hash = await chain.wallet.writeContract(request as never)
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success')
      throw new Error(`${write.functionName} reverted on ${chain.name}`)
    return hash
  }
  // The bundle carries the full P-256 key; the chain holds its commitment keccak256(x ‖ y).
  const receiptKey = receiptPublicKey(RECEIPT_SEED)
  const receiptCommitment = receiptKeyCommitment(receiptKey)
  let logId: Hex | undefined
  for (const chain of chains) {
    const lantern = chain.deployment.contracts.LanternRegistry.address
    const role = await chain.publicClient.readContract({
      address: lantern,
      abi: lanternRegistryAbi,
      functionName: 'CERTIFIER_ROLE',
    })
    await send(chain, ROLES.admin, {
      address: lantern,
      abi: lanternRegistryAbi,
      functionName: 'grantRole',
      args: [role, ROLES.certifier],
    })
    await send(chain, ROLES.operator, {
      address: lantern,
      abi: lanternRegistryAbi,
      functionName: 'registerOperator',
      args: ['https://operator.example/tml.json', LICENSE_HASH],
    })
    await send(chain, ROLES.operator, {
      address: lantern,
      abi: lanternRegistryAbi,
      functionName: 'declareLog',
      args: [LOG_NAME, ROLES.signer, receiptCommitment, MAX_EPOCH_INTERVAL],
    })
    logId = await chain.publicClient.readContract({
      address: lantern,
      abi: lanternRegistryAbi,
      functionName: 'computeLogId',
      args: [ROLES.operator, LOG_NAME, ROLES.signer, receiptCommitment, MAX_EPOCH_INTERVAL],
    })
  }
  if (logId === undefined) throw new Error('no chain')
  const theLogId = logId

  const maxSize = Math.max(...epochSizes, 8)
  const mtls = worldMtls(theLogId, maxSize)
  const store = new MemoryNodeStore()
  const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
  const roots = new Map<number, Hex>()
  for (const mtl of mtls) {
    tree.append(hashMtl(mtl))
    roots.set(tree.size, bytesToHex(tree.root()))
  }
  const signer = privateKeyToAccount(DEV_KEYS[2])
  const epochs: WorldEpoch[] = []

  const anchorNext = async (treeSize: number): Promise<WorldEpoch> => {
    const previous = epochs.at(-1)
    const latest = await Promise.all(chains.map((c) => c.publicClient.getBlock()))
    const now = latest.reduce((max, b) => (b.timestamp > max ? b.timestamp : max), 0n)
    const rootHash = roots.get(treeSize)
    if (rootHash === undefined) throw new Error(`no root for size ${treeSize}`)
    const checkpoint: Checkpoint = {
      logId: theLogId,
      epoch: BigInt(epochs.length + 1),
      treeSize: BigInt(treeSize),
      rootHash,
      timestamp:
        previous && previous.checkpoint.timestamp > now ? previous.checkpoint.timestamp : now,
    }
    const signature = await signCheckpoint({ checkpoint, account: signer })
    const fromSize = previous === undefined ? 0 : Number(previous.checkpoint.treeSize)
    const proof =
      fromSize === 0 || fromSize === treeSize
        ? []
        : (await buildConsistencyProof({ size1: fromSize, size2: treeSize, store })).map(bytesToHex)
    const txHashes: Record<number, Hex> = {}
    for (const chain of chains) {
      txHashes[chain.chainId] = await send(chain, ROLES.admin, {
        address: chain.deployment.contracts.CheckpointRegistry.address,
        abi: checkpointRegistryAbi,
        functionName: 'anchor',
        args: [checkpoint, proof, signature],
      })
    }
    const epoch = { checkpoint, signature, txHashes }
    epochs.push(epoch)
    return epoch
  }
  const advanceTime = async (seconds: number) => {
    for (const chain of chains) {
      await chain.publicClient.request({
        method: 'evm_increaseTime' as never,
        params: [seconds] as never,
      })
      await chain.publicClient.request({ method: 'evm_mine' as never, params: [] as never })
    }
  }

  for (const [i, size] of epochSizes.entries()) {
    if (i > 0)
      await advanceTime(
        lateBeforeLast && i === epochSizes.length - 1 ? Number(MAX_EPOCH_INTERVAL) * 2 : 600,
      )
    await anchorNext(size)
  }

  return {
    chains,
    deploymentsDir,
    logId: theLogId,
    mtls,
    epochs,
    anchorNext,
    advanceTime,
    async consistencyProof(first, second) {
      return (await buildConsistencyProof({ size1: first, size2: second, store })).map(bytesToHex)
    },
    async bundle(leafIndex, epochNumber) {
      const epoch = epochs[epochNumber - 1]
      if (epoch === undefined) throw new Error(`no epoch ${epochNumber}`)
      const treeSize = Number(epoch.checkpoint.treeSize)
      const mtl = mtls[leafIndex] as Mtl
      const proof = await buildInclusionProof({ leafIndex, treeSize, store })
      const receipt = signReceipt({
        receipt: {
          v: 'tml-receipt/2',
          logId: theLogId,
          traceId: mtl.trace_id,
          seq: mtl.seq,
          leafHash: bytesToHex(hashMtl(mtl)),
          timestamp: mtl.timestamp,
        },
        privateKey: RECEIPT_SEED,
      })
      const bundle: ProofBundle = {
        v: 'tml-proof/1',
        mtl,
        leafIndex,
        treeSize,
        inclusionProof: proof.map(bytesToHex),
        checkpoint: checkpointToJson(epoch.checkpoint),
        checkpointSignature: epoch.signature,
        receipt,
        log: { checkpointSigner: ROLES.signer, receiptPublicKey: receiptKey },
        anchors: await Promise.all(
          chains.map(async (chain) => {
            const hash = epoch.txHashes[chain.chainId] as Hex
            const r = await chain.publicClient.getTransactionReceipt({ hash })
            return {
              chainId: chain.chainId,
              registry: chain.deployment.contracts.CheckpointRegistry.address,
              txHash: hash,
              blockNumber: Number(r.blockNumber),
            }
          }),
        ),
        // The gateway stamps the checkpoint's root hash (gateway/src/ots/OtsStamper.ts).
        ots: pendingOts(epoch.checkpoint.rootHash, CALENDAR),
      }
      return bundle
    },
    stop: stopChains,
  }
}

/** The world's log: a decision, a pause, its resolution, then decisions; `log_id` and `seq` real. */
function worldMtls(logId: Hex, count: number): Mtl[] {
  const hash = (n: number): Hex => bytesToHex(new Uint8Array(32).fill(n + 1))
  const mtls: Mtl[] = [
    sampleDecisionMtl({ log_id: logId }),
    samplePauseMtl({ log_id: logId }),
    sampleResolutionMtl({ log_id: logId }),
  ]
  for (let seq = 3; seq < count; seq++) {
    mtls.push(
      sampleDecisionMtl({
        log_id: logId,
        seq,
        trace_id: `0192d4e1-${(1000 + seq).toString(16).padStart(4, '0')}-7abc-8123-456789abcdef`,
        input_hash: hash(seq),
        state: seq % 3 === 0 ? -1 : 1,
        trigger_type: seq % 3 === 0 ? 'HARM' : 'NONE',
        trigger_detail:
          seq % 3 === 0 ? 'harm 0.95 above critical 0.90' : 'all scores within thresholds',
        output_hash: seq % 3 === 0 ? null : hash(100 + seq),
      }),
    )
  }
  return mtls
}
