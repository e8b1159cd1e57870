// The Lantern registry and consoles end to end, through wagmi's mock connector (the development
// node holds the test accounts and signs): an operator registers (accepting the License) and
// declares a log, a certifier lights its Lantern and revokes it, the operator retires its log;
// refused writes show why.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  checkpointRegistryAbi,
  lanternRegistryAbi,
  receiptKeyCommitment,
  receiptPublicKey,
  signKeyRotation,
} from '@tml/core'
import type { Browser, Page } from 'playwright-core'
import { type Hex, keccak256, type LocalAccount, stringToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { LICENSE_TEXT } from '../src/lantern/license.ts'
import { ARTIFACTS, launchBrowser, openPage, PHONE, screenshot } from './support/browser.ts'
import { buildPage, type PageServer, servePage } from './support/pageServer.ts'
import { DEV_KEYS, pageChains, ROLES, startWorld, type World } from './support/world.ts'

let world: World
let server: PageServer
let browser: Browser
let page: Page
let errors: string[]

const operatorItem = (p: Page, address: string) => p.locator(`li[data-operator="${address}"]`)

function useAccount(account: string) {
  server.config.value = {
    chains: pageChains(world),
    testing: { mockAccounts: [account] },
  }
}

async function connect(p: Page, account: string) {
  await p.goto(`${server.url}/?view=lantern`)
  const connected = p.locator(`[data-connected-account="${account}"]`)
  // The mock connector reconnects after a reload; connect when it has not.
  await Promise.race([
    connected.waitFor(),
    p.getByRole('button', { name: 'Connect test account' }).waitFor(),
  ])
  if (!(await connected.isVisible()))
    await p.getByRole('button', { name: 'Connect test account' }).click()
  await connected.waitFor()
}

/** Clicks a write button and waits for its status; checks the button is disabled meanwhile. */
async function write(form: ReturnType<Page['locator']>, button: string): Promise<string> {
  const target = form.getByRole('button', { name: button })
  await target.click()
  // While the wallet signs or the transaction is pending, the button is disabled.
  const midway = await form.evaluate((element) => {
    const status = element.querySelector('[data-write-status]')?.getAttribute('data-write-status')
    const pressed = [...element.querySelectorAll('button')].find((b) => b.type === 'submit')
    return { status, disabled: pressed?.disabled }
  })
  if (midway.status === 'signing' || midway.status === 'pending')
    assert.equal(midway.disabled, true)
  const done = form.locator('[data-write-status="confirmed"], [data-write-status="error"]')
  await done.waitFor({ timeout: 30_000 })
  return (await done.innerText()).trim()
}

describe('Lantern registry and consoles', { timeout: 600_000 }, () => {
  before(async () => {
    const [w, dist] = await Promise.all([
      startWorld({ epochSizes: [2], lateBeforeLast: false }),
      buildPage(),
    ])
    world = w
    server = await servePage(dist)
    browser = await launchBrowser()
    ;({ page, errors } = await openPage(browser))
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await world?.stop()
  })

  it('behavior: lists operators read-only, without a wallet, with their Lantern and logs', async () => {
    useAccount(ROLES.newOperator)
    await page.goto(`${server.url}/?view=lantern`)
    const item = operatorItem(page, ROLES.operator)
    await item.waitFor()
    assert.equal(await item.getAttribute('data-lit'), 'false')
    assert.equal(await item.locator('[data-lantern-reason]').innerText(), 'Dark: never certified.')
    await item.getByText('1 log').click()
    assert.match(
      await item.innerText(),
      /gateway-1[\s\S]*0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC[\s\S]*1 h[\s\S]*epoch 1/,
    )
    assert.match(
      await page.locator('.wallet-bar').innerText(),
      /No wallet connected: everything below can be read without one/,
    )
    // Headless Chromium has no wallet: the greyed button says why.
    assert.equal(
      await page.getByRole('button', { name: 'Connect browser wallet' }).isDisabled(),
      true,
    )
    assert.match(
      await page.locator('[data-wallet-problem="no-wallet"]').innerText(),
      /^No browser wallet found in this browser/,
    )
    // The operator's https metadata is a link.
    assert.equal(
      await item.locator('[data-metadata] a').getAttribute('href'),
      'https://operator.example/tml.json',
    )
    await screenshot(page, 'lantern-read-only')
  })

  it('behavior: an operator registers, accepting the License whose hash it signs, and declares a log', async () => {
    await connect(page, ROLES.newOperator)
    const register = page.locator('form', {
      has: page.getByRole('heading', { name: 'Register as an operator' }),
    })
    assert.equal(
      await register.locator('[data-license-hash]').innerText(),
      keccak256(stringToHex(LICENSE_TEXT)),
    )
    // Inline metadata, as `npm start`'s demo operator registers it.
    await register
      .getByLabel('Metadata URI')
      .fill('data:application/json,{"name":"Desk operator","contact":"ops@new-operator.example"}')
    assert.equal(
      await register.getByRole('button', { name: 'Register and accept the License' }).isDisabled(),
      true,
    )
    await register.getByLabel('I accept the License').check()
    assert.match(
      await write(register, 'Register and accept the License'),
      /^Confirmed in block \d+ \(transaction 0x[0-9a-f]{64}\)\.$/,
    )
    const item = operatorItem(page, ROLES.newOperator)
    await item.waitFor()
    assert.equal(await item.locator('[data-lantern-reason]').innerText(), 'Dark: never certified.')
    // The data: URI is shown as its JSON fields, not as a raw URI.
    const metadata = await item.locator('[data-metadata]').innerText()
    assert.match(metadata, /name:\s*Desk operator/)
    assert.match(metadata, /contact:\s*ops@new-operator\.example/)
    assert.doesNotMatch(metadata, /data:application/)

    const declare = page.locator('form', {
      has: page.getByRole('heading', { name: 'Declare a log' }),
    })
    await declare.getByLabel('Log name').fill('desk-log')
    const deskKey = receiptPublicKey(`0x${'11'.repeat(32)}`)
    await declare.getByLabel('Receipt key (P-256 public key)').fill(deskKey)
    // The page computes the commitment the chain will hold.
    assert.equal(
      await declare.locator('[data-receipt-commitment]').innerText(),
      receiptKeyCommitment(deskKey),
    )
    // The id commits to the first keys and the interval; the form shows it before sending.
    const preview = await declare.locator('[data-log-id-preview]').innerText()
    assert.match(await write(declare, 'Declare log'), /^Confirmed/)
    await item.getByText('1 log').waitFor()
    const lantern = world.chains[0]?.deployment.contracts.LanternRegistry.address ?? '0x'
    const logs = await world.chains[0]?.publicClient.readContract({
      address: lantern,
      abi: [
        {
          type: 'function',
          name: 'logsOf',
          stateMutability: 'view',
          inputs: [{ name: 'operator', type: 'address' }],
          outputs: [{ name: '', type: 'bytes32[]' }],
        },
      ],
      functionName: 'logsOf',
      args: [ROLES.newOperator],
    })
    assert.equal(logs?.length, 1)
    assert.equal(logs?.[0], preview)
    await screenshot(page, 'lantern-operator-console')
  })

  it('errors: a write the registry refuses shows its custom error', async () => {
    // A statement for desk-log's first rotation, signed by a key that is not its signer.
    const logId = (await logIdOf('desk-log')) as Hex
    const relay = page.getByRole('form', { name: 'Relay a key rotation statement' })
    await relay
      .getByLabel('Signed statement (JSON)')
      .fill(await statementJson(logId, privateKeyToAccount(DEV_KEYS[5])))
    await relay.locator('[data-signed-by]', { hasText: ROLES.reviewer }).waitFor()
    assert.match(await relay.innerText(), /the registry will refuse it/)
    const text = await write(relay, 'Relay statement')
    assert.match(
      text,
      /^Error: The registry refused: CheckpointRotationInvalidSignature\(0x[0-9a-f]{64}, 1, 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65\)$/,
    )
    assert.equal(await relay.getByRole('button', { name: 'Relay statement' }).isDisabled(), false)
  })

  it('behavior: an operator relays a key rotation statement its signer signed; the key history shows it', async () => {
    const logId = (await logIdOf('desk-log')) as Hex
    const relay = page.getByRole('form', { name: 'Relay a key rotation statement' })
    // desk-log was declared with the operator's own account as checkpoint signer.
    await relay
      .getByLabel('Signed statement (JSON)')
      .fill(await statementJson(logId, privateKeyToAccount(DEV_KEYS[4])))
    await relay.locator('[data-signed-by]', { hasText: ROLES.newOperator }).waitFor()
    assert.match(await write(relay, 'Relay statement'), /^Confirmed in block \d+/)
    const history = page.locator(`[data-key-history="${logId}"]`)
    await history.locator('tr[data-period="1"]').waitFor()
    assert.match(
      await history.locator('tr[data-period="1"]').innerText(),
      new RegExp(`1\\s+40\\s+${ROLES.reviewer}\\s+0x${'77'.repeat(32)}`),
    )
    const [signer, receiptKey] = (await world.chains[0]?.publicClient.readContract({
      address: world.chains[0].deployment.contracts.CheckpointRegistry.address,
      abi: checkpointRegistryAbi,
      functionName: 'keysAt',
      args: [logId, 40n],
    })) ?? ['0x', '0x']
    assert.equal(signer, ROLES.reviewer)
    assert.equal(receiptKey, `0x${'77'.repeat(32)}`)
    await operatorItem(page, ROLES.newOperator)
      .locator(`tr[data-log="${logId}"] [data-key-period="1"]`)
      .waitFor({ state: 'attached' })
    await screenshot(page, 'lantern-key-rotation')
  })

  it('behavior: a certifier grants a certification and the operator’s Lantern is lit, then revokes it', async () => {
    useAccount(ROLES.certifier)
    await connect(page, ROLES.certifier)
    const grant = page.getByRole('form', { name: 'Grant a certification' })
    await grant.getByLabel('Operator').fill(ROLES.newOperator)
    await grant.getByLabel('Profile').selectOption('lantern/medical')
    // Unsorted on purpose: the console sorts them, as the registry requires.
    await grant
      .getByLabel('Policy hashes (one per line)')
      .fill(`0x${'bb'.repeat(32)}\n0x${'aa'.repeat(32)}`)
    await grant.getByLabel('Model hash (optional)').fill(`0x${'cc'.repeat(32)}`)
    await grant.getByLabel('Evidence').fill('audit report 2026-01, section 4')
    assert.match(await write(grant, 'Grant certification'), /^Confirmed/)
    const item = operatorItem(page, ROLES.newOperator)
    await page.locator(`li[data-operator="${ROLES.newOperator}"][data-lit="true"]`).waitFor()
    assert.equal(
      await item.locator('[data-lantern-reason]').innerText(),
      'Lit: certified, and every log anchors on time.',
    )
    assert.match(await item.locator('.badge').innerText(), /Lantern lit/)
    await item.getByText('1 certification').click()
    assert.match(
      await item.innerText(),
      /lantern\/medical[\s\S]*0x90F79bf6EB2c4f870365E785982E1f101E93b906[\s\S]*in force/,
    )
    assert.equal(
      await item.locator('[data-policies]').innerText(),
      `0x${'aa'.repeat(32)}\n0x${'bb'.repeat(32)}`,
    )
    assert.equal(await item.locator('[data-model]').innerText(), `0x${'cc'.repeat(32)}`)
    assert.equal(await item.locator('[data-profile]').innerText(), 'lantern/medical')
    await screenshot(page, 'lantern-lit-desktop')
    await page
      .locator('section', { has: page.getByRole('heading', { name: 'Certifier console' }) })
      .screenshot({ path: join(ARTIFACTS, 'lantern-certifier-console.png') })
    const phone = await openPage(browser, PHONE)
    await phone.page.goto(`${server.url}/?view=lantern`)
    await operatorItem(phone.page, ROLES.newOperator).waitFor()
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`)
    await screenshot(phone.page, 'lantern-phone')
    await phone.context.close()

    const revoke = page.getByRole('form', { name: 'Revoke a certification' })
    await revoke.getByLabel('Operator').fill(ROLES.newOperator)
    await revoke.getByLabel('Reason').fill('evidence withdrawn')
    assert.match(await write(revoke, 'Revoke certification'), /^Confirmed/)
    await page.locator(`li[data-operator="${ROLES.newOperator}"][data-lit="false"]`).waitFor()
    assert.equal(
      await item.locator('[data-lantern-reason]').innerText(),
      'Dark: certification revoked.',
    )

    const renew = page.getByRole('form', { name: 'Renew a certification' })
    await renew.getByLabel('Operator').fill(ROLES.newOperator)
    await renew.getByLabel('Evidence').fill('new audit')
    assert.match(
      await write(renew, 'Renew certification'),
      /^Error: The registry refused: LanternCertificationRevoked\(0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65, 0\)$/,
    )
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
  })

  it('behavior: an operator retires its log after confirming; the registry shows it retired', async () => {
    useAccount(ROLES.newOperator)
    await connect(page, ROLES.newOperator)
    const retire = page.getByRole('form', { name: 'Retire a log' })
    assert.equal(await retire.getByLabel('Log to retire').inputValue(), await logIdOf('desk-log'))
    await retire.getByRole('button', { name: 'Retire log…' }).click()
    // Nothing is sent before the operator confirms, naming the log.
    assert.match(
      await retire.getByRole('alert').innerText(),
      /^Retire “desk-log” \(0x[0-9a-f]{64}\)\?/,
    )
    assert.equal(
      await retire.locator('[data-write-status]').getAttribute('data-write-status'),
      'idle',
    )
    assert.match(await write(retire, 'Yes, retire “desk-log”'), /^Confirmed in block \d+/)
    const row = operatorItem(page, ROLES.newOperator).locator(
      `tr[data-log="${await logIdOf('desk-log')}"]`,
    )
    await operatorItem(page, ROLES.newOperator).locator('tr[data-retired="true"]').waitFor({
      state: 'attached',
    })
    assert.equal(await row.getAttribute('data-retired'), 'true')
    const info = await world.chains[0]?.publicClient.readContract({
      address: world.chains[0].deployment.contracts.LanternRegistry.address,
      abi: lanternRegistryAbi,
      functionName: 'logInfo',
      args: [(await logIdOf('desk-log')) as `0x${string}`],
    })
    assert.equal(info?.retired, true)
    // No active log is left, so the retire form keeps only its last status.
    assert.equal(await page.getByLabel('Log to retire').count(), 0)
    await operatorItem(page, ROLES.newOperator).getByText('1 log (1 retired)').click()
    assert.match(await row.innerText(), /desk-log\s*retired/)
    await screenshot(page, 'lantern-log-retired')
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
  })
})

/** A signed statement for period 1 of `logId` (reviewer's key and a new receipt key from epoch 40). */
async function statementJson(logId: Hex, by: LocalAccount): Promise<string> {
  const rotation = {
    logId,
    index: 1n,
    fromEpoch: 40n,
    signer: ROLES.reviewer,
    receiptKey: `0x${'77'.repeat(32)}` as Hex,
  }
  const signature = await signKeyRotation({ rotation, account: by })
  return JSON.stringify({
    rotation: { ...rotation, index: 1, fromEpoch: 40 },
    signature,
  })
}

/** The id of the new operator's log named `name`, read from the chain. */
async function logIdOf(name: string): Promise<string> {
  const chain = world.chains[0]
  if (chain === undefined) throw new Error('no chain')
  const address = chain.deployment.contracts.LanternRegistry.address
  const ids = await chain.publicClient.readContract({
    address,
    abi: lanternRegistryAbi,
    functionName: 'logsOf',
    args: [ROLES.newOperator],
  })
  for (const id of ids) {
    const info = await chain.publicClient.readContract({
      address,
      abi: lanternRegistryAbi,
      functionName: 'logInfo',
      args: [id],
    })
    if (info.name === name) return id
  }
  throw new Error(`no log ${name}`)
}
