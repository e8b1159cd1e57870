// The demo operator of `npm start`, on both local chains: registers it, declares its log with the
// gateway's checkpoint signer and receipt key (the log id commits to them), and has a certifier
// light its Lantern for the policies the gateway runs (--policies, default gateway/policies: by
// the policy_hash the gateway writes into MTLs; `npm start` passes its local copy). Idempotent: what a chain already holds is left as it is. Prints the
// log id on the last line.
//
// Keys: the operator, certifier and admin are Hardhat's well-known development accounts #1, #3
// and #0 (funded on every local node, public, never to be used elsewhere). The gateway's own keys
// (checkpoint signer, receipt key) come from its key directory.
//
//   node scripts/setupDemo.ts --deployments data/deployments --keys data/keys \
//     --policies data/policies \
//     --rpc ethereumLocal=http://127.0.0.1:8545 --rpc polygonLocal=http://127.0.0.1:8546
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  toHex,
  zeroHash,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createReceiptSigner } from '../gateway/src/keys/createReceiptSigner.ts'
import { loadPolicies } from '../gateway/src/policy/loadPolicies.ts'

/** Hardhat's well-known development keys: public, funded on local nodes only. */
const DEV_KEYS = {
  admin: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  operator: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  certifier: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
} as const satisfies Record<string, Hex>

export const DEMO_LOG_NAME = 'demo'
const MAX_EPOCH_INTERVAL_S = 3600n
const LICENSE_TEXT = 'TML Anchor demo License: every decision is logged before it takes effect.'
const YEAR_S = 365n * 24n * 3600n

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: 'deployments' },
    keys: { type: 'string', default: 'data/keys' },
    policies: { type: 'string' },
    rpc: { type: 'string', multiple: true, default: [] },
  },
})

const root = join(import.meta.dirname, '..')
const artifact = (name: string): { abi: Abi } =>
  JSON.parse(
    readFileSync(join(root, 'artifacts', 'contracts', `${name}.sol`, `${name}.json`), 'utf8'),
  )
const lanternAbi = artifact('LanternRegistry').abi

const readKey = (file: string): Hex => {
  const value = readFileSync(join(values.keys, file), 'utf8').trim()
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new Error(`setup-demo: ${join(values.keys, file)} is not 32 bytes of 0x hex`)
  }
  return value as Hex
}
const signer = privateKeyToAccount(readKey('checkpoint.key')).address
// The chain holds the receipt key's commitment keccak256(x ‖ y), not the P-256 key itself.
const receiptKey = createReceiptSigner(Buffer.from(readKey('receipt.key').slice(2), 'hex'))
  .keyCommitment as Hex
// The certification names the policies it covers, sorted ascending as the registry wants them.
const policyHashes = [
  ...loadPolicies({ paths: [values.policies ?? join(root, 'gateway', 'policies')] }).values(),
].map((loaded) => loaded.hash)
policyHashes.sort()

let logId: Hex | undefined
for (const spec of values.rpc) {
  const [network, url] = spec.split(/=(.*)/s) as [string, string | undefined]
  if (!url) throw new Error(`setup-demo: --rpc takes NETWORK=URL, got "${spec}"`)
  const deployment = JSON.parse(readFileSync(join(values.deployments, `${network}.json`), 'utf8'))
  const lantern = deployment.contracts.LanternRegistry.address as Address
  const client = createPublicClient({ transport: http(url) })
  const wallet = (key: Hex) =>
    createWalletClient({ account: privateKeyToAccount(key), transport: http(url) })
  const chain = await client.getChainId().then((id) => ({
    id,
    name: network,
    nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  }))
  const read = (functionName: string, args: unknown[] = []) =>
    client.readContract({ address: lantern, abi: lanternAbi, functionName, args })
  const send = async (key: Hex, functionName: string, args: unknown[]) => {
    const hash = await wallet(key).writeContract({
      chain,
      address: lantern,
      abi: lanternAbi,
      functionName,
      args,
    })
    const receipt = await client.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`setup-demo: ${functionName} reverted`)
    console.log(`setup-demo: ${network}: ${functionName} (${hash})`)
  }

  const operator = privateKeyToAccount(DEV_KEYS.operator).address
  const certifier = privateKeyToAccount(DEV_KEYS.certifier).address
  const info = (await read('operatorInfo', [operator])) as { registeredAt?: bigint }
  if (!info.registeredAt) {
    await send(DEV_KEYS.operator, 'registerOperator', [
      'data:application/json,{"name":"TML Anchor demo operator"}',
      keccak256(toHex(LICENSE_TEXT)),
    ])
  }
  const id = (await read('computeLogId', [
    operator,
    DEMO_LOG_NAME,
    signer,
    receiptKey,
    MAX_EPOCH_INTERVAL_S,
  ])) as Hex
  const logs = (await read('logsOf', [operator])) as Hex[]
  if (!logs.includes(id)) {
    // A name is one log per operator and chain: the same name declared with other keys means the
    // key directory changed since this chain was set up.
    for (const other of logs) {
      const info = (await read('logInfo', [other])) as { name: string }
      if (info.name === DEMO_LOG_NAME) {
        throw new Error(
          `setup-demo: ${network} already has the log "${DEMO_LOG_NAME}" (${other}) declared with other keys than ${values.keys}; restart the local chains or use the keys it was declared with`,
        )
      }
    }
    await send(DEV_KEYS.operator, 'declareLog', [
      DEMO_LOG_NAME,
      signer,
      receiptKey,
      MAX_EPOCH_INTERVAL_S,
    ])
  }
  const role = (await read('CERTIFIER_ROLE')) as Hex
  if (!((await read('hasRole', [role, certifier])) as boolean)) {
    await send(DEV_KEYS.admin, 'grantRole', [role, certifier])
  }
  if ((await read('certificationCount', [operator])) === 0n) {
    const now = (await client.getBlock()).timestamp
    await send(DEV_KEYS.certifier, 'grantCertification', [
      operator,
      keccak256(toHex('general')),
      now + YEAR_S,
      keccak256(toHex('demo audit evidence')),
      policyHashes,
      zeroHash, // the demo certifies no model
    ])
  }
  logId = id
}
if (!logId) throw new Error('setup-demo: give at least one --rpc NETWORK=URL')
console.log(logId)
