// Auditor access (EKR) on a local chain, for the tests that need a grant: a Hardhat chain with
// the log declared (localChains.ts), an AccessRegistry deployed on it, three custodians declared
// on chain with a quorum of two, and the keys of a gateway for that log.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { accessRegistryAbi, bytesToHex, type Hex } from '@tml/core'
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { type GatewayKeys, loadKeys } from '../../src/keys/loadKeys.ts'
import { type CustodianSet, parseCustodians } from '../../src/vault/Custodian.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { releaseForGrant } from '../../src/vault/releaseForGrant.ts'
import { fetchVaultEpoch } from '../../src/vault/vaultHttp.ts'
import { type LocalChain, startLocalChain } from '../e2e/localChains.ts'
import { API_TOKEN } from './gateway.ts'

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..')
/** Well-known Hardhat development keys #1 (operator), #3–#5 (custodians), #6 (auditor). */
export const OPERATOR_KEY: Hex =
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
export const CUSTODIAN_KEYS: Hex[] = [
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
]
export const AUDITOR_KEY: Hex = '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e'

export type Wallet = WalletClient<Transport, Chain, Account>
export type X25519Pair = { publicKey: Hex; privateKey: Hex }

/** One local chain set up for auditor access (see {@link startEkrChain}). */
export type EkrChain = {
  chain: LocalChain & { logId: Hex }
  client: PublicClient
  wallet: (key: Hex) => Wallet
  /** The AccessRegistry. */
  access: Address
  /** The custodians' X25519 key pairs, in the order declared on chain. */
  custodians: X25519Pair[]
  /** The same custodians as the gateway's vault is configured with (quorum 2). */
  custodianSet: CustodianSet
  checkpointKey: Hex
  receiptSeed: Hex
  /** Simulates, sends and waits for one AccessRegistry call; asserts it succeeded. */
  send(key: Hex, functionName: string, args: readonly unknown[]): Promise<void>
  grantCount(): Promise<bigint>
  /** Custodian `custodian` releases `epochs` of `grantId`, reading the wrapped shares from the gateway. */
  release(
    custodian: number,
    grantId: bigint,
    epochs: number[],
    gatewayUrl: string,
  ): Promise<unknown>
  /** The keys of a gateway for the chain's log (in `dir`), with the test API token. */
  gatewayKeys(dir: string): GatewayKeys
  stop(): Promise<void>
}

/**
 * Starts a local chain with the log declared, deploys the AccessRegistry and declares three
 * custodians with a quorum of two.
 */
export async function startEkrChain(): Promise<EkrChain> {
  const checkpointKey = bytesToHex(new Uint8Array(randomBytes(32)))
  const receiptSeed = bytesToHex(new Uint8Array(randomBytes(32)))
  const chain = await startLocalChain({
    name: 'ethereum',
    signer: privateKeyToAccount(checkpointKey).address,
    receiptKey: createReceiptSigner(Buffer.from(receiptSeed.slice(2), 'hex')).keyCommitment,
    maxEpochIntervalS: 3600,
  })
  const viemChain = defineChain({
    id: chain.chainId,
    name: 'ethereum',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [chain.nodeUrl] } },
  })
  const client = createPublicClient({
    chain: viemChain,
    transport: http(chain.nodeUrl),
    pollingInterval: 50,
  }) as PublicClient
  const wallet = (key: Hex): Wallet =>
    createWalletClient({
      chain: viemChain,
      transport: http(chain.nodeUrl),
      account: privateKeyToAccount(key),
    })
  const artifact = JSON.parse(
    readFileSync(
      join(ROOT, 'artifacts', 'contracts', 'AccessRegistry.sol', 'AccessRegistry.json'),
      'utf8',
    ),
  ) as { bytecode: Hex }
  const deployed = await client.waitForTransactionReceipt({
    hash: await wallet(OPERATOR_KEY).deployContract({
      abi: accessRegistryAbi,
      bytecode: artifact.bytecode,
      args: [chain.lantern],
    }),
  })
  const access = deployed.contractAddress as Address
  const custodians: X25519Pair[] = []
  for (let i = 0; i < 3; i++) custodians.push(await generateVaultKeyPair())
  const send = async (key: Hex, functionName: string, args: readonly unknown[]) => {
    const w = wallet(key)
    const { request } = await client.simulateContract({
      address: access,
      abi: accessRegistryAbi,
      functionName,
      args,
      account: w.account,
    } as never)
    const hash = await w.writeContract(request as never)
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, 'success')
  }
  await send(OPERATOR_KEY, 'declareCustodians', [
    chain.logId,
    CUSTODIAN_KEYS.map((k) => privateKeyToAccount(k).address),
    custodians.map((k) => k.publicKey),
    2,
  ])
  return {
    chain,
    client,
    wallet,
    access,
    custodians,
    custodianSet: parseCustodians(
      custodians.map((k, i) => `c${i}=${k.publicKey}`),
      2,
    ),
    checkpointKey,
    receiptSeed,
    send,
    grantCount: () =>
      client.readContract({ address: access, abi: accessRegistryAbi, functionName: 'grantCount' }),
    release: (custodian, grantId, epochs, gatewayUrl) =>
      releaseForGrant({
        publicClient: client,
        walletClient: wallet(CUSTODIAN_KEYS[custodian] as Hex),
        accessRegistry: access,
        grantId,
        epochs,
        custodianKey: (custodians[custodian] as X25519Pair).privateKey,
        epochKey: (epoch) => fetchVaultEpoch({ gatewayUrl, epoch }),
      }),
    gatewayKeys: (dir) =>
      loadKeys({
        dir: join(dir, 'keys'),
        env: {
          TML_LOG_ID: chain.logId,
          TML_CHECKPOINT_KEY: checkpointKey,
          TML_RECEIPT_KEY: receiptSeed,
          TML_SUBJECT_INDEX_KEY: bytesToHex(new Uint8Array(randomBytes(32))),
          TML_API_KEYS: `tester:${API_TOKEN}`,
        },
        create: false,
      }),
    stop: () => chain.stop(),
  }
}
