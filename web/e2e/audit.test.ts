// The auditor view end to end against a real gateway with the sealed evidence vault, anchoring on
// a local chain whose AccessRegistry declares three custodians (quorum two): the auditor
// generates an X25519 key in the page (downloaded, never sent), requests access with the test
// wallet (wagmi's mock connector); two custodians approve and release on chain (the gateway's
// own release code, as `tml custodian release` runs it); the page reads the grant live, then
// replays a decided trace in the browser: proof verified, record opened with the releases,
// policy fetched by hash, engine re-run, identical, the decrypted case shown. With k-1
// approvals, with a key file that is not the grant's, and after expiry, the replay is refused,
// naming why; the secret key is in no request the page sends.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import {
  type Address,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { accessRegistryAbi } from '../../core/src/index.ts'
import { generateVaultKeyPair } from '../../gateway/src/vault/hpkeSuite.ts'
import { releaseForGrant } from '../../gateway/src/vault/releaseForGrant.ts'
import { fetchSealedRecord, fetchVaultEpoch } from '../../gateway/src/vault/vaultHttp.ts'
import { tempDir } from '../../gateway/test/helpers/tempDir.ts'
import { launchBrowser, openPage, screenshot } from './support/browser.ts'
import { buildPage, type PageServer, servePage } from './support/pageServer.ts'
import { ROOT, type Running, startNode, stop, waitForLine } from './support/processes.ts'
import {
  DEV_KEYS,
  pageChains,
  RECEIPT_SEED,
  ROLES,
  startWorld,
  type World,
} from './support/world.ts'

const API_KEY = 'audit-e2e-token-0123456789'
/** Hardhat's development account #7 pays for the gateway's anchors (no other sender uses it). */
const RELAYER_KEY: Hex = '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356'
/** The custodians' accounts: development keys no other role of this test sends from. */
const CUSTODIAN_KEYS = [DEV_KEYS[3], DEV_KEYS[5], DEV_KEYS[0]] as const
/** The auditor: the page's test account. */
const AUDITOR = ROLES.newOperator

let world: World
let gateway: { url: string; running: Running }
let server: PageServer
let browser: Browser
let page: Page
let errors: string[]
let accessRegistry: Address
let custodians: { publicKey: Hex; privateKey: Hex }[]
let traceId: string
let epoch: number
let keyFile: string
let grantId: bigint
/** Everything the page sent: URLs and bodies, to show the secret key never left it. */
const sent: string[] = []

async function send(key: Hex, functionName: string, args: readonly unknown[]) {
  const chain = world.chains[0]
  assert.ok(chain)
  const account = privateKeyToAccount(key)
  const { request } = await chain.publicClient.simulateContract({
    address: accessRegistry,
    abi: accessRegistryAbi,
    functionName,
    args,
    account,
  } as never)
  const wallet = createWalletClient({ account, transport: http(chain.rpcUrl) })
  const hash = await wallet.writeContract({ ...(request as object), chain: null } as never)
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash })
  assert.equal(receipt.status, 'success', functionName)
}

/** Starts `tml gateway start` anchoring on the world's first chain, the vault read from its AccessRegistry. */
async function startVaultGateway(): Promise<{ url: string; running: Running }> {
  const dir = tempDir('tml-web-audit-')
  mkdirSync(join(dir, 'data'))
  const running = startNode(
    [
      join(ROOT, 'gateway', 'bin', 'tml.mjs'),
      'gateway',
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      join(dir, 'data'),
      '--deployments',
      world.deploymentsDir,
      '--chain',
      `ethereumLocal=${world.chains[0]?.rpcUrl}`,
      '--anchor-every',
      'ethereumLocal=every',
      '--epoch-period',
      '200',
      '--access-poll-ms',
      '200',
    ],
    {
      TML_API_KEYS: `auditor-e2e:${API_KEY}`,
      TML_LOG_ID: world.logId,
      TML_CHECKPOINT_KEY: DEV_KEYS[2],
      TML_RECEIPT_KEY: RECEIPT_SEED,
      TML_RELAYER_KEY: RELAYER_KEY,
      TML_LOG_LEVEL: 'info',
    },
  )
  try {
    const line = await waitForLine(running, /"msg":"listening"/, 90_000)
    return { url: (JSON.parse(line) as { url: string }).url, running }
  } catch (error) {
    await stop(running)
    throw error
  }
}

async function eventually<T>(read: () => Promise<T | undefined>, ms: number, what: string) {
  const until = Date.now() + ms
  for (;;) {
    const value = await read().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('auditor view', { timeout: 600_000 }, () => {
  before(async () => {
    const [w, dist] = await Promise.all([startWorld({ epochSizes: [] }), buildPage()])
    world = w
    const chain = world.chains[0]
    assert.ok(chain)
    accessRegistry = (chain.deployment.contracts as Record<string, { address: Address }>)
      .AccessRegistry?.address as Address
    assert.ok(accessRegistry, 'the deployment has an AccessRegistry')
    // The log's custodians, declared on chain by its operator before the gateway starts.
    custodians = [
      await generateVaultKeyPair(),
      await generateVaultKeyPair(),
      await generateVaultKeyPair(),
    ]
    await send(DEV_KEYS[1], 'declareCustodians', [
      world.logId,
      CUSTODIAN_KEYS.map((k) => privateKeyToAccount(k).address),
      custodians.map((c) => c.publicKey),
      2,
    ])
    gateway = await startVaultGateway()
    // A decision, sealed and anchored.
    const response = await fetch(`${gateway.url}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        profile: 'general',
        input: { text: 'What is the capital of France?' },
        signals: { confidence: 0.99, harm: 0.01 },
      }),
    })
    assert.equal(response.status, 200, await response.clone().text())
    traceId = ((await response.json()) as { trace_id: string }).trace_id
    await eventually(
      async () =>
        (await fetch(`${gateway.url}/v1/traces/${traceId}/proof`)).status === 200
          ? true
          : undefined,
      60_000,
      'the proof bundle',
    )
    epoch = (await fetchSealedRecord({ gatewayUrl: gateway.url, traceId })).epoch

    server = await servePage(dist)
    server.config.value = {
      chains: pageChains(world),
      gatewayUrl: gateway.url,
      testing: { mockAccounts: [AUDITOR] },
    }
    browser = await launchBrowser()
    ;({ page, errors } = await openPage(browser))
    page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`))
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await stop(gateway?.running)
    await world?.stop()
  })

  it('behavior: a key generated in the page, access requested with the wallet', async () => {
    await page.goto(`${server.url}/?view=audit`)
    await page.getByRole('heading', { name: 'Auditor access' }).waitFor()
    await page.getByRole('button', { name: 'Connect test account' }).click()
    await page.locator(`[data-connected-account="${AUDITOR}"]`).waitFor()
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: /Generate a key pair/ }).click()
    const saved = await download
    keyFile = join(tempDir('tml-web-audit-key-'), 'auditor.x25519')
    await saved.saveAs(keyFile)
    const secret = readFileSync(keyFile, 'utf8')
    assert.match(secret, /^0x[0-9a-f]{64}\n$/)
    const publicKey = (await page.locator('[data-auditor-public-key]').innerText()).trim()
    assert.match(publicKey, /^0x[0-9a-f]{64}$/)

    await page.getByLabel('Log id').fill(world.logId)
    await page.getByLabel('First vault epoch').fill(String(epoch))
    await page.getByLabel('Last vault epoch').fill(String(epoch))
    await page.getByLabel('Duration once approved (seconds)').fill('3600')
    await page.getByRole('button', { name: 'Request access' }).click()
    const requested = page.locator('[data-requested-grant]')
    await requested.waitFor({ timeout: 30_000 })
    grantId = BigInt((await requested.getAttribute('data-requested-grant')) as string)
    const chain = world.chains[0] as { publicClient: PublicClient }
    const info = await chain.publicClient.readContract({
      address: accessRegistry,
      abi: accessRegistryAbi,
      functionName: 'grantInfo',
      args: [grantId],
    })
    assert.equal(info.auditor, AUDITOR)
    assert.equal(info.auditorKey, publicKey)
    assert.equal(info.fromEpoch, BigInt(epoch))
    // The secret key never went to the chain or the gateway: only its public half is on chain.
    assert.ok(
      !JSON.stringify(info, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).includes(
        secret.trim().slice(2),
      ),
    )

    await page.getByRole('button', { name: 'Read the grant from the chain' }).click()
    await page.locator('[data-grant-state="waiting"]').waitFor()
    assert.equal(await page.locator('[data-grant-approvals]').innerText(), '0 of 2 needed')
  })

  it('behavior: approved and released by two custodians, a decision replays identical', async () => {
    const chain = world.chains[0]
    assert.ok(chain)
    const viemChain = defineChain({
      id: chain.chainId,
      name: 'ethereum',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    })
    // One approval of the two needed: the page refuses to replay, naming why.
    await send(CUSTODIAN_KEYS[0] as Hex, 'approve', [grantId])
    await page.getByLabel('Trace id').fill(traceId)
    await page.getByRole('button', { name: 'Replay in this browser' }).click()
    const refused = page.locator('[data-replay-error]')
    await refused.waitFor()
    assert.equal(await refused.getAttribute('data-replay-error'), 'TML_VAULT_SHARES')
    assert.match(
      await refused.innerText(),
      new RegExp(`grant ${grantId} is not live: approved by 1 of the 2 custodians it needs`),
    )
    await send(CUSTODIAN_KEYS[1] as Hex, 'approve', [grantId])
    for (const i of [0, 1])
      await releaseForGrant({
        publicClient: chain.publicClient,
        walletClient: createWalletClient({
          chain: viemChain,
          transport: http(chain.rpcUrl),
          account: privateKeyToAccount(CUSTODIAN_KEYS[i] as Hex),
        }),
        accessRegistry,
        grantId,
        epochs: [epoch],
        custodianKey: (custodians[i] as { privateKey: Hex }).privateKey,
        epochKey: (e) => fetchVaultEpoch({ gatewayUrl: gateway.url, epoch: e }),
      })

    await page.getByRole('button', { name: 'Read the grant from the chain' }).click()
    await page.locator('[data-grant-state="live"]').waitFor()
    assert.equal(await page.locator('[data-grant-approvals]').innerText(), '2 of 2 needed')

    await page.getByRole('button', { name: 'Replay in this browser' }).click()
    const report = page.locator('[data-replay]')
    await report.waitFor({ timeout: 60_000 })
    assert.equal(await report.getAttribute('data-replay'), 'identical')
    assert.match(
      await page.locator('[data-replay-verdict]').innerText(),
      /^Identical: the engine, re-run here on the sealed inputs, gives state 1, trigger NONE/,
    )
    assert.match(await report.innerText(), /anchored on chain 31337 block \d+/)
    const evidence = JSON.parse(await page.locator('[data-case-evidence]').innerText())
    assert.deepEqual(evidence.input, { text: 'What is the capital of France?' })
    assert.deepEqual(evidence.signals, { confidence: 0.99, harm: 0.01 })
    await screenshot(page, 'audit-replay-identical')
  })

  it('errors: a key file not the grant’s, a bad key file, an expired grant: refused, naming why', async () => {
    const other = await generateVaultKeyPair()
    const otherFile = join(tempDir('tml-web-audit-key-'), 'other.x25519')
    writeFileSync(otherFile, `${other.privateKey}\n`)
    await page.locator('[data-auditor-key-file]').setInputFiles(otherFile)
    await page.locator('[data-auditor-public-key]').filter({ hasText: other.publicKey }).waitFor()
    await page.getByRole('button', { name: 'Replay in this browser' }).click()
    const alert = page.locator('[data-replay-error]')
    await alert.waitFor()
    assert.equal(await alert.getAttribute('data-replay-error'), 'TML_AUDIT_WRONG_KEY')
    assert.match(
      await alert.innerText(),
      new RegExp(
        `^Not replayed: this is not grant ${grantId}'s auditor key: its public half is ${other.publicKey}`,
      ),
    )
    assert.equal(await page.locator('[data-replay]').count(), 0)

    // Not a key at all: named at loading.
    writeFileSync(otherFile, 'not a key\n')
    await page.locator('[data-auditor-key-file]').setInputFiles(otherFile)
    assert.match(
      await page.locator('[data-auditor-key-error]').innerText(),
      /does not hold an X25519 private key \(64 hex digits\)/,
    )

    // The downloaded key file loads back and replays again.
    await page.locator('[data-auditor-key-file]').setInputFiles(keyFile)
    await page.getByRole('button', { name: 'Replay in this browser' }).click()
    await page.locator('[data-replay="identical"]').waitFor({ timeout: 60_000 })
    assert.deepEqual(errors, [])
    // The secret key opened the releases in the page: no request carried it, in any form.
    const secret = readFileSync(keyFile, 'utf8').trim().slice(2)
    assert.ok(sent.length > 10, 'the page read the chain and the gateway')
    for (const request of sent) assert.ok(!request.toLowerCase().includes(secret), request)

    // After expiry nothing more: the grant reads expired and the page no longer replays.
    await world.advanceTime(3601)
    await page.getByRole('button', { name: 'Read the grant from the chain' }).click()
    await page.locator('[data-grant-state="expired"]').waitFor()
    await page.getByRole('button', { name: 'Replay in this browser' }).click()
    const expired = page.locator('[data-replay-error]')
    await expired.waitFor()
    assert.equal(await expired.getAttribute('data-replay-error'), 'TML_VAULT_SHARES')
    assert.match(await expired.innerText(), new RegExp(`grant ${grantId} expired at `))
  })
})
