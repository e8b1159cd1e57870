// Custodians declared per log on chain, and every access event copied into the log: `tml gateway
// start` (in process, real HTTP on 127.0.0.1) on a local Hardhat chain with the real
// AccessRegistry. The custodians and threshold come from the contract; flags that differ refuse
// the start; a new declaration applies from the next vault epoch; requests, approvals, the grant
// and releases become MTLs of kind `access` that verify with a proof bundle, never twice, and
// events of another log or of another contract are left out.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  accessRegistryAbi,
  accessTraceId,
  bytesToHex,
  type Hex,
  lanternRegistryAbi,
  type ProofBundle,
  verifyBundle,
} from '@tml/core'
import Database from 'better-sqlite3'
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { gatewayStart } from '../../src/cli/gatewayStart.ts'
import { main } from '../../src/cli/main.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { createReadCheckpoint } from '../../src/proofs/createReadCheckpoint.ts'
import { AccessWatcher } from '../../src/vault/AccessWatcher.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { releaseForGrant } from '../../src/vault/releaseForGrant.ts'
import { SqliteVaultStore } from '../../src/vault/SqliteVaultStore.ts'
import { fetchVaultEpoch } from '../../src/vault/vaultHttp.ts'
import { eventually } from '../e2e/anchoredGateway.ts'
import { DEV_KEYS, freePort, type LocalChain, startLocalChain } from '../e2e/localChains.ts'
import { API_TOKEN, auth } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..')
/** Well-known Hardhat development keys #3–#6 (custodians) and #7 (auditor): public test keys. */
const CUSTODIAN_KEYS: Hex[] = [
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
]
const AUDITOR_KEY: Hex = '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356'
const custodian = (i: number) => privateKeyToAccount(CUSTODIAN_KEYS[i] as Hex).address

describe('custodians and access events from the AccessRegistry (tml gateway start)', () => {
  let chain: LocalChain & { logId: Hex }
  let client: PublicClient
  let viemChain: Chain
  let access: Address
  let accessBlock: bigint
  /** The same contract at another address: its events must never reach the log. */
  let forged: Address
  let deployments: string
  let env: Record<string, string>
  const dataDir = tempDir('tml-access-chain-')
  const x25519: { publicKey: Hex; privateKey: Hex }[] = []
  let auditorX: { publicKey: Hex; privateKey: Hex }
  /** Receipts of the transactions whose AccessRegistry events belong to the log, in order. */
  const ours: TransactionReceipt[] = []

  const wallet = (key: Hex): WalletClient<Transport, Chain, Account> =>
    createWalletClient({
      chain: viemChain,
      transport: http(chain.nodeUrl),
      account: privateKeyToAccount(key),
    })

  async function send(
    key: Hex,
    address: Address,
    abi: typeof accessRegistryAbi | typeof lanternRegistryAbi,
    functionName: string,
    args: readonly unknown[],
  ): Promise<TransactionReceipt> {
    const w = wallet(key)
    const { request } = await client.simulateContract({
      address,
      abi,
      functionName,
      args,
      account: w.account,
    } as never)
    const receipt = await client.waitForTransactionReceipt({
      hash: await w.writeContract(request as never),
    })
    assert.equal(receipt.status, 'success', functionName)
    return receipt
  }
  const onAccess = (key: Hex, functionName: string, args: readonly unknown[], to = access) =>
    send(key, to, accessRegistryAbi, functionName, args)

  async function deployAccessRegistry(): Promise<{ address: Address; block: bigint }> {
    const artifact = JSON.parse(
      readFileSync(
        join(ROOT, 'artifacts', 'contracts', 'AccessRegistry.sol', 'AccessRegistry.json'),
        'utf8',
      ),
    ) as { bytecode: Hex }
    const receipt = await client.waitForTransactionReceipt({
      hash: await wallet(DEV_KEYS.admin).deployContract({
        abi: accessRegistryAbi,
        bytecode: artifact.bytecode,
        args: [chain.lantern],
      }),
    })
    return { address: receipt.contractAddress as Address, block: receipt.blockNumber }
  }

  before(async () => {
    const checkpointKey = bytesToHex(new Uint8Array(randomBytes(32)))
    const receiptSeed = bytesToHex(new Uint8Array(randomBytes(32)))
    chain = await startLocalChain({
      name: 'ethereum',
      signer: privateKeyToAccount(checkpointKey).address,
      receiptKey: createReceiptSigner(Buffer.from(receiptSeed.slice(2), 'hex')).keyCommitment,
      maxEpochIntervalS: 3600,
    })
    viemChain = defineChain({
      id: chain.chainId,
      name: 'ethereum',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [chain.nodeUrl] } },
    })
    client = createPublicClient({
      chain: viemChain,
      transport: http(chain.nodeUrl),
      pollingInterval: 50,
    }) as PublicClient
    const deployed = await deployAccessRegistry()
    access = deployed.address
    accessBlock = deployed.block
    forged = (await deployAccessRegistry()).address
    for (let i = 0; i < 4; i++) x25519.push(await generateVaultKeyPair())
    auditorX = await generateVaultKeyPair()
    // Declaration 1: custodians 0, 1, 2; two of them rebuild a key.
    ours.push(
      await onAccess(DEV_KEYS.operator, 'declareCustodians', [
        chain.logId,
        [0, 1, 2].map(custodian),
        [0, 1, 2].map((i) => x25519[i]?.publicKey),
        2,
      ]),
    )
    deployments = tempDir('tml-access-deployments-')
    writeFileSync(
      join(deployments, 'ethereum.json'),
      JSON.stringify({
        network: 'ethereum',
        chainId: chain.chainId,
        contracts: {
          LanternRegistry: { address: chain.lantern, blockNumber: 1 },
          CheckpointRegistry: { address: chain.registry, blockNumber: 2 },
          AccessRegistry: { address: access, blockNumber: Number(accessBlock) },
        },
      }),
    )
    env = {
      TML_LOG_ID: chain.logId,
      TML_CHECKPOINT_KEY: checkpointKey,
      TML_RECEIPT_KEY: receiptSeed,
      TML_SUBJECT_INDEX_KEY: bytesToHex(new Uint8Array(randomBytes(32))),
      TML_API_KEYS: `tester:${API_TOKEN}`,
      TML_RELAYER_KEY: DEV_KEYS.relayer,
    }
  })
  after(async () => {
    await running?.stop()
    await chain?.stop()
  })

  /** `tml gateway start` in this process until `stop`; resolves once it answers on `url`. */
  type Running = { url: string; stop(): Promise<number>; err: () => string }
  let running: Running | undefined
  const baseArgs = () => [
    '--data',
    dataDir,
    '--deployments',
    deployments,
    '--chain',
    `ethereum=${chain.rpcUrl}`,
    '--epoch-period',
    '100',
    '--vault-epoch-period',
    '1',
    '--access-poll-ms',
    '100',
    '--log-level',
    'error',
  ]
  async function start(extra: string[] = []): Promise<Running> {
    const port = await freePort()
    const controller = new AbortController()
    let err = ''
    const done = gatewayStart({
      argv: [...baseArgs(), '--port', String(port), ...extra],
      io: {
        out: () => {},
        err: (x) => {
          err += x
        },
        env,
      },
      signal: controller.signal,
    })
    const url = `http://127.0.0.1:${port}`
    await Promise.race([
      eventually(
        async () => ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok ? true : undefined),
        30_000,
        'the gateway to answer',
      ),
      done.then((code) => {
        throw new Error(`gateway start ended with ${code}: ${err}`)
      }),
    ])
    return {
      url,
      err: () => err,
      stop: async () => {
        controller.abort()
        return done
      },
    }
  }
  /** A refused start: its exit code and what it printed. */
  async function refused(extra: string[]): Promise<{ code: number; err: string }> {
    let err = ''
    const code = await gatewayStart({
      argv: [...baseArgs(), '--port', String(await freePort()), ...extra],
      io: {
        out: () => {},
        err: (x) => {
          err += x
        },
        env,
      },
    })
    return { code, err }
  }

  /** The access records of the log, straight from its SQLite file. */
  function accessRows(): { trace_id: string; mtl: string }[] {
    const db = new Database(join(dataDir, 'log.db'), { readonly: true })
    try {
      return db
        .prepare("SELECT trace_id, mtl FROM entries WHERE kind = 'access' ORDER BY seq")
        .all() as { trace_id: string; mtl: string }[]
    } finally {
      db.close()
    }
  }
  /** Trace ids of the log's AccessRegistry events in `receipts`, in chain order. */
  const traceIdsOf = (receipts: TransactionReceipt[]) =>
    receipts.flatMap((r) =>
      r.logs
        .filter((l) => getAddress(l.address) === getAddress(access))
        .map((l) =>
          accessTraceId({
            chainId: chain.chainId,
            contract: access,
            txHash: r.transactionHash,
            logIndex: l.logIndex,
          }),
        ),
    )

  it('errors: --custodian flags that differ from the chain refuse the start, naming each difference', async () => {
    const { code, err } = await refused([
      '--custodian',
      `c0=${x25519[0]?.publicKey}`,
      '--custodian',
      `c3=${x25519[3]?.publicKey}`,
      '--custodian',
      `c2=${x25519[2]?.publicKey}`,
      '--custodian-threshold',
      '3',
    ])
    assert.equal(code, 2, err)
    assert.match(err, /differ from declaration 1 of log/)
    assert.ok(err.includes(`--custodian c3=${x25519[3]?.publicKey} is not declared on chain`), err)
    assert.ok(err.includes(`the chain declares ${custodian(1)} (key ${x25519[1]?.publicKey})`), err)
    assert.ok(!err.includes(`the chain declares ${custodian(2)}`), err)
    assert.ok(err.includes('--custodian-threshold 3, but the chain declares 2'), err)
  })

  it('errors: --custodian flags for a log that declares none on chain refuse the start', async () => {
    const { code, err } = await refused([
      '--access-registry',
      forged,
      '--custodian',
      `c0=${x25519[0]?.publicKey}`,
    ])
    assert.equal(code, 2, err)
    assert.match(err, /declares no custodians on chain: the log's operator must declare them/)
  })

  it('behavior: the start reads the custodians from chain; epoch keys are wrapped to exactly those keys, in declared order, k from chain', async () => {
    // The same keys as flags, in another order and without a threshold: accepted, the chain's order wins.
    running = await start([
      '--custodian',
      `b=${x25519[2]?.publicKey}`,
      '--custodian',
      `a=${x25519[0]?.publicKey}`,
      '--custodian',
      `c=${x25519[1]?.publicKey}`,
    ])
    const epoch = await eventually(
      async () => {
        const res = await fetch(`${running?.url}/v1/vault/epochs/1`)
        return res.ok ? ((await res.json()) as { threshold: number; shares: unknown[] }) : undefined
      },
      20_000,
      'vault epoch 1',
    )
    assert.equal(epoch.threshold, 2)
    const vault = SqliteVaultStore.open({ path: join(dataDir, 'log.db') })
    try {
      const stored = await vault.epochKey(1)
      assert.deepEqual(
        stored?.shares.map((s) => [s.custodian, s.publicKey]),
        [0, 1, 2].map((i) => [custodian(i), x25519[i]?.publicKey]),
      )
      assert.equal(stored?.threshold, 2)
    } finally {
      await vault.close()
    }
  })

  it('behavior: a request, approvals, the grant and a release become exactly those access MTLs, which verify with a proof bundle; other logs and other contracts are left out', async () => {
    const url = running?.url as string
    const requested = await onAccess(AUDITOR_KEY, 'requestAccess', [
      chain.logId,
      1n,
      2n,
      3600n,
      auditorX.publicKey,
    ])
    ours.push(requested)
    ours.push(await onAccess(CUSTODIAN_KEYS[0] as Hex, 'approve', [1n]))
    // The second approval makes the grant live: AccessApproved and AccessGranted in one transaction.
    ours.push(await onAccess(CUSTODIAN_KEYS[1] as Hex, 'approve', [1n]))

    // Another log of the same operator, with its own custodians and grant: not this log's.
    const lantern = chain.lantern
    await send(DEV_KEYS.operator, lantern, lanternRegistryAbi, 'declareLog', [
      'another-log',
      custodian(3),
      `0x${'22'.repeat(32)}`,
      3600n,
    ])
    const otherLog = (await client.readContract({
      address: lantern,
      abi: lanternRegistryAbi,
      functionName: 'computeLogId',
      args: [
        privateKeyToAccount(DEV_KEYS.operator).address,
        'another-log',
        custodian(3),
        `0x${'22'.repeat(32)}`,
        3600n,
      ],
    })) as Hex
    await onAccess(DEV_KEYS.operator, 'declareCustodians', [
      otherLog,
      [custodian(0)],
      [x25519[0]?.publicKey],
      1,
    ])
    await onAccess(AUDITOR_KEY, 'requestAccess', [otherLog, 1n, 1n, 60n, auditorX.publicKey])
    await onAccess(CUSTODIAN_KEYS[0] as Hex, 'approve', [2n])
    // The same events for this log from another contract (anyone can deploy one).
    await onAccess(
      DEV_KEYS.operator,
      'declareCustodians',
      [chain.logId, [custodian(3)], [x25519[3]?.publicKey], 1],
      forged,
    )
    await onAccess(
      AUDITOR_KEY,
      'requestAccess',
      [chain.logId, 1n, 9n, 60n, auditorX.publicKey],
      forged,
    )

    // Custodian 0 releases its share of epoch 1 to the auditor (taken from the gateway's vault).
    const [releaseHash] = await releaseForGrant({
      publicClient: client,
      walletClient: wallet(CUSTODIAN_KEYS[0] as Hex),
      accessRegistry: access,
      grantId: 1n,
      epochs: [1],
      custodianKey: x25519[0]?.privateKey as Hex,
      epochKey: (epoch) => fetchVaultEpoch({ gatewayUrl: url, epoch }),
    })
    ours.push(await client.waitForTransactionReceipt({ hash: releaseHash as Hex }))

    const expected = traceIdsOf(ours)
    assert.equal(expected.length, 6, 'declared, requested, approved ×2, granted, released')
    await eventually(
      () => (accessRows().length >= expected.length ? true : undefined),
      30_000,
      'the access records',
    )
    const rows = accessRows()
    assert.deepEqual(
      rows.map((r) => r.trace_id),
      expected,
    )
    const events = rows.map((r) => JSON.parse(r.mtl).access)
    assert.deepEqual(
      events.map((a) => a.event),
      [
        'CustodiansDeclared',
        'AccessRequested',
        'AccessApproved',
        'AccessApproved',
        'AccessGranted',
        'ShareReleased',
      ],
    )
    const request = events[1]
    assert.deepEqual(
      {
        grant: request.grant_id,
        auditor: request.auditor,
        range: [request.from_epoch, request.to_epoch],
        chain: request.chain_id,
        tx: request.tx_hash,
        block: request.block_number,
        contract: request.contract,
      },
      {
        grant: 1,
        auditor: privateKeyToAccount(AUDITOR_KEY).address.toLowerCase(),
        range: [1, 2],
        chain: chain.chainId,
        tx: requested.transactionHash,
        block: Number(requested.blockNumber),
        contract: access.toLowerCase(),
      },
    )
    assert.equal(events[4].expires_at - events[4].approved_at, 3600)
    assert.deepEqual([events[5].epoch, events[5].custodian], [1, custodian(0).toLowerCase()])

    // The release's record verifies like any MTL: proof bundle, anchored checkpoint on chain.
    const releaseTrace = expected[5] as string
    const bundle = await eventually(
      async () => {
        const res = await fetch(`${url}/v1/traces/${releaseTrace}/proof`, { headers: auth })
        const b = res.status === 200 ? ((await res.json()) as ProofBundle) : undefined
        return b && b.anchors.length > 0 ? b : undefined
      },
      30_000,
      'an anchored proof bundle of the release record',
    )
    const verdict = await verifyBundle(bundle, {
      readCheckpoint: createReadCheckpoint({ rpc: new Map([[chain.chainId, chain.nodeUrl]]) }),
    })
    assert.equal(verdict.valid, true, JSON.stringify(verdict.steps.filter((s) => !s.ok)))
    assert.equal((bundle.mtl as { kind: string }).kind, 'access')
  })

  it('behavior: a restart reads the events again and copies none twice', async () => {
    assert.equal((await running?.stop()) ?? 0, 0)
    running = await start()
    // A new event after the restart: once it is in, every older one was read again before it.
    const third = await onAccess(CUSTODIAN_KEYS[2] as Hex, 'approve', [1n])
    ours.push(third)
    const expected = traceIdsOf(ours)
    await eventually(
      () => (accessRows().length >= expected.length ? true : undefined),
      30_000,
      'the approval after the restart',
    )
    assert.deepEqual(
      accessRows().map((r) => r.trace_id),
      expected,
    )
  })

  it('behavior: tml audit checks the whole log, access records included, against the chain', async () => {
    const url = running?.url as string
    const last = traceIdsOf(ours).at(-1) as string
    await eventually(
      async () => {
        const res = await fetch(`${url}/v1/traces/${last}/proof`, { headers: auth })
        const b = res.status === 200 ? ((await res.json()) as ProofBundle) : undefined
        return b && b.anchors.length > 0 ? true : undefined
      },
      30_000,
      'the last access record anchored',
    )
    let out = ''
    let err = ''
    const code = await main({
      argv: [
        'audit',
        '--log',
        chain.logId,
        '--api',
        url,
        '--api-key',
        API_TOKEN,
        '--rpc',
        `${chain.chainId}=${chain.nodeUrl}`,
        '--deployments',
        deployments,
        '--threads',
        '1',
        '--quiet',
        '--json',
      ],
      io: {
        out: (x) => {
          out += x
        },
        err: (x) => {
          err += x
        },
        env: {},
      },
    })
    assert.equal(code, 0, `${out}\n${err}`)
  })

  it('behavior: a new declaration on chain applies from the next vault epoch; the open one keeps its custodians', async () => {
    const url = running?.url as string
    const vault = SqliteVaultStore.open({ path: join(dataDir, 'log.db') })
    try {
      const before = await vault.lastEpoch()
      // Declaration 2: custodians 0, 1, 3; all three needed.
      ours.push(
        await onAccess(DEV_KEYS.operator, 'declareCustodians', [
          chain.logId,
          [0, 1, 3].map(custodian),
          [0, 1, 3].map((i) => x25519[i]?.publicKey),
          3,
        ]),
      )
      const newKeys = [0, 1, 3].map((i) => x25519[i]?.publicKey)
      const oldKeys = [0, 1, 2].map((i) => x25519[i]?.publicKey)
      const first = await eventually(
        async () => {
          const last = await vault.lastEpoch()
          for (let e = before; e <= last; e++) {
            const k = await vault.epochKey(e)
            if (k && k.threshold === 3) return e
          }
          return undefined
        },
        30_000,
        'an epoch wrapped to declaration 2',
      )
      assert.ok(first > 1)
      // Every epoch before it (the one open at the declaration among them) kept declaration 1;
      // every one from it on has declaration 2.
      const last = await eventually(
        async () => ((await vault.lastEpoch()) > first ? vault.lastEpoch() : undefined),
        30_000,
        'a later epoch',
      )
      for (let e = 1; e <= last; e++) {
        const k = await vault.epochKey(e)
        if (!k) continue
        assert.deepEqual(
          k.shares.map((s) => s.publicKey),
          e < first ? oldKeys : newKeys,
          `epoch ${e}`,
        )
        assert.equal(k.threshold, e < first ? 2 : 3, `epoch ${e}`)
      }
      // The gateway serves the new epoch's shares to the new custodians.
      const res = await fetch(`${url}/v1/vault/epochs/${first}`)
      assert.equal(res.status, 200)
    } finally {
      await vault.close()
    }
    assert.equal(accessRows().length, traceIdsOf(ours).length)
  })
})

describe('AccessWatcher against a lying RPC', () => {
  it('errors: events another contract emits with the same signature are ignored, even when the RPC returns them', async () => {
    const registry = '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0' as Address
    const logId = `0x${'ab'.repeat(32)}` as Hex
    const appended: unknown[] = []
    // An RPC that answers every getLogs with a CustodiansDeclared of this log from another address.
    const lying = {
      getBlockNumber: async () => 10n,
      readContract: async () => {
        throw new Error('not called')
      },
      getLogs: async () => [
        {
          address: '0x000000000000000000000000000000000000dead',
          blockNumber: 5n,
          logIndex: 0,
          transactionHash: `0x${'11'.repeat(32)}`,
          eventName: 'CustodiansDeclared',
          args: {
            logId,
            version: 1,
            threshold: 1,
            custodians: ['0x0000000000000000000000000000000000000001'],
            keys: [`0x${'22'.repeat(32)}`],
          },
        },
      ],
    }
    const watcher = new AccessWatcher({
      client: lying as never,
      chainId: 31337,
      accessRegistry: registry,
      logId,
      fromBlock: 0n,
      memory: { append: async (r) => appended.push(r) },
      store: { entryByTraceId: async () => undefined },
      policyHash: `0x${'00'.repeat(32)}`,
      hash: (...parts) => new Uint8Array(32).fill(parts.length),
    })
    assert.deepEqual(await watcher.poll(), { appended: 0 })
    assert.equal(appended.length, 0)
    assert.equal(watcher.cursor, 11n)
  })

  it("errors: an RPC that caps eth_getLogs at 500 blocks (Infura's words) is paged, not a stuck watcher", async () => {
    const ranges: [bigint, bigint][] = []
    const capped = {
      getBlockNumber: async () => 5_000n,
      readContract: async () => {
        throw new Error('not called')
      },
      getLogs: async ({ fromBlock, toBlock }: { fromBlock: bigint; toBlock: bigint }) => {
        ranges.push([fromBlock, toBlock])
        if (toBlock - fromBlock > 500n)
          throw new Error(`range ${toBlock - fromBlock} exceeds limit of 500`)
        return []
      },
    }
    const watcher = new AccessWatcher({
      client: capped as never,
      chainId: 31337,
      accessRegistry: '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0',
      logId: `0x${'ab'.repeat(32)}`,
      fromBlock: 100n,
      memory: { append: async () => {} },
      store: { entryByTraceId: async () => undefined },
      policyHash: `0x${'00'.repeat(32)}`,
      hash: (...parts) => new Uint8Array(32).fill(parts.length),
    })
    assert.deepEqual(await watcher.poll(), { appended: 0 })
    assert.equal(watcher.cursor, 5_001n, 'every block up to the head was read')
    const answered = ranges.filter(([from, to]) => to - from <= 500n)
    assert.equal(answered[0]?.[0], 100n)
    assert.equal(answered.at(-1)?.[1], 5_000n)
    for (let i = 1; i < answered.length; i++)
      assert.equal(answered[i]?.[0], (answered[i - 1]?.[1] as bigint) + 1n, 'no block skipped')
  })
})
