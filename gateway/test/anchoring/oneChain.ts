// One local chain (Hardhat EDR, chain id 31337) with a fresh log declared on it, and the gateway
// keys of that log: the anchoring tests that drive a chain's blocks, fees or RPC by hand.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { bytesToHex, checkpointRegistryAbi, type Hex } from '@tml/core'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { ChainConfig } from '../../src/anchoring/ChainAnchorer.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import type { Fixture } from '../e2e/anchoredGateway.ts'
import { startLocalChain } from '../e2e/localChains.ts'
import { API_TOKEN } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

/** Starts the chain before the tests of the enclosing `describe` and stops it after them. */
export function useOneChain(): () => Fixture {
  let fixture: Fixture | undefined
  before(async () => {
    fixture = await startOneChain()
  })
  after(async () => {
    await fixture?.stop()
  })
  return () => {
    if (!fixture) throw new Error('the chain is started before the tests')
    return fixture
  }
}

async function startOneChain(): Promise<Fixture> {
  const checkpointKey = bytesToHex(new Uint8Array(randomBytes(32)))
  const receiptSeed = bytesToHex(new Uint8Array(randomBytes(32)))
  const signer = privateKeyToAccount(checkpointKey).address
  const receiptKey = createReceiptSigner(Buffer.from(receiptSeed.slice(2), 'hex')).keyCommitment
  const chain = await startLocalChain({
    name: 'ethereum',
    signer,
    receiptKey,
    maxEpochIntervalS: 3600,
  })
  const keys = loadKeys({
    dir: join(tempDir(), 'keys'),
    env: {
      TML_LOG_ID: chain.logId,
      TML_CHECKPOINT_KEY: checkpointKey,
      TML_RECEIPT_KEY: receiptSeed,
      TML_SUBJECT_INDEX_KEY: bytesToHex(new Uint8Array(randomBytes(32))),
      TML_API_KEYS: `tester:${API_TOKEN}`,
    },
    create: false,
  })
  return {
    chains: [chain],
    keys,
    logId: chain.logId,
    checkpointKey,
    receiptSeed,
    stop: () => chain.stop(),
  }
}

/** The fixture's chain as the anchorer sees it, fast timings for a local node, and `overrides`. */
export function oneChainConfig(
  fixture: Fixture,
  overrides: Partial<ChainConfig> = {},
): ChainConfig {
  const c = fixture.chains[0]
  if (!c) throw new Error('no chain')
  return {
    name: c.name,
    chainId: c.chainId,
    rpcUrl: c.rpcUrl,
    registry: c.registry,
    confirmations: 1,
    pollMs: 50,
    maxBackoffMs: 400,
    ...overrides,
  }
}

/** The registry's head epoch of the fixture's log, read straight from the node. */
export async function headEpoch(fixture: Fixture): Promise<number> {
  const c = fixture.chains[0]
  if (!c) throw new Error('no chain')
  const client = createPublicClient({ transport: http(c.nodeUrl) })
  const [epoch] = await client.readContract({
    address: c.registry,
    abi: checkpointRegistryAbi,
    functionName: 'head',
    args: [fixture.logId as Hex],
  })
  return Number(epoch)
}
