// The reviewer desk end to end against a real gateway: a caller's decision pauses, the pause
// appears live on the desk (Lantern stream), with its evidence checked in the browser; a refused
// signature and an unlisted reviewer say why; a listed reviewer opens the case (a request signed
// through wagmi's mock connector), approves with a rationale, and the caller, still waiting, gets
// +1; a chat completion held by the gateway's OpenAI proxy is reviewed the same way, its held
// answer shown on the desk. Last, the page talks to the gateway directly from its own origin
// (CORS), with no proxy.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import {
  type DemoUpstream,
  startDemoUpstream,
} from '../../gateway/src/proxy/openai/demoUpstream.ts'
import { launchBrowser, openPage, PHONE, screenshot } from './support/browser.ts'
import {
  API_KEY,
  pausedChat,
  pausedDecision,
  startGateway,
  type TestGateway,
} from './support/gateway.ts'
import { buildPage, type PageServer, servePage } from './support/pageServer.ts'
import { pageChains, ROLES, startWorld, type World } from './support/world.ts'

let world: World
let upstream: DemoUpstream
let gateway: TestGateway
let server: PageServer
let browser: Browser
let page: Page
let errors: string[]
let caller: ReturnType<typeof pausedDecision>
let resolvedTraceId: string | undefined

function configure(account: string, rejectSignatures = false) {
  server.config.value = {
    chains: pageChains(world),
    testing: { mockAccounts: [account], mockRejectSignatures: rejectSignatures },
  }
}

/** Opens the desk, connects it to the gateway (same origin, through the page host) and the wallet. */
async function openDesk(p: Page, account: string | undefined) {
  await p.goto(`${server.url}/?view=desk`)
  await p.getByLabel('Gateway URL').fill(`${server.url}/gateway`)
  await p.getByLabel('API key (reads the pauses)').fill(API_KEY)
  await p.getByRole('button', { name: 'Connect to the gateway' }).click()
  await p.locator('[data-stream="live"]').waitFor()
  if (account !== undefined) {
    await p.getByRole('button', { name: 'Connect test account' }).click()
    await p.locator(`[data-connected-account="${account}"]`).waitFor()
  }
}

describe('reviewer desk', { timeout: 600_000 }, () => {
  before(async () => {
    upstream = await startDemoUpstream()
    const [w, dist, g] = await Promise.all([
      startWorld({ epochSizes: [2], lateBeforeLast: false }),
      buildPage(),
      startGateway([ROLES.reviewer], { openaiUpstream: upstream.url }),
    ])
    world = w
    gateway = g
    server = await servePage(dist)
    server.gateway.target = gateway.url
    browser = await launchBrowser()
    ;({ page, errors } = await openPage(browser))
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await gateway?.stop()
    await upstream?.close()
    await world?.stop()
  })

  it('behavior: a new pause appears live, with its evidence checked in the browser', async () => {
    configure(ROLES.certifier)
    await openDesk(page, undefined)
    await page.getByText('No pause is waiting').waitFor()
    caller = pausedDecision(gateway.url, 120_000)
    const card = page.locator('li[data-pause]')
    await card.waitFor({ timeout: 20_000 })
    const text = await card.innerText()
    assert.match(text, /HARM: /)
    assert.match(text, /harm 0\.55/)
    assert.match(
      await card.locator('[data-time-left]').innerText(),
      /^\d+ min( \d+ s)? left: without a decision it becomes a refusal \(−1\)\.$/,
    )
    await card.getByText(/^Evidence record #\d+$/).click()
    await card.locator('[data-evidence="checked"]').waitFor()
    assert.match(await page.locator('[data-stream]').innerText(), /Lantern on: pauses open/)
    assert.equal(await card.getByRole('button', { name: 'Approve (+1)' }).isDisabled(), true)
    assert.equal(
      await card.locator('[data-sign-hint]').innerText(),
      'Connect your wallet and write your rationale to approve or refuse.',
    )
    await screenshot(page, 'desk-pending-desktop')
  })

  it('errors: an unlisted reviewer is refused by the gateway, and the pause stays', async () => {
    await openDesk(page, ROLES.certifier)
    const card = page.locator('li[data-pause]')
    // Connected, no rationale yet: the buttons say what they wait for.
    assert.equal(
      await card.locator('[data-sign-hint]').innerText(),
      'Write your rationale above to approve or refuse.',
    )
    await card.getByLabel(/Your rationale/).fill('Looks fine to me.')
    await card.getByRole('button', { name: 'Approve (+1)' }).click()
    const alert = card.getByRole('alert')
    await alert.waitFor()
    assert.match(
      await alert.innerText(),
      /^Your account is not a reviewer listed by this profile’s policy\. \(403: /,
    )
    assert.equal(await page.locator('li[data-pause]').count(), 1)
  })

  it('errors: a signature the reviewer refuses in the wallet says so', async () => {
    configure(ROLES.reviewer, true)
    await openDesk(page, ROLES.reviewer)
    const card = page.locator('li[data-pause]')
    await card.getByLabel(/Your rationale/).fill('Checked with the prescribing doctor.')
    await card.getByRole('button', { name: 'Approve (+1)' }).click()
    await card.getByRole('alert').waitFor()
    assert.equal(
      await card.getByRole('alert').innerText(),
      'You refused the request in your wallet.',
    )
    assert.equal(await page.locator('li[data-pause]').count(), 1)
  })

  it('behavior: a listed reviewer approves; the pause leaves the list and the caller gets +1', async () => {
    configure(ROLES.reviewer)
    const phone = await openPage(browser, PHONE)
    await openDesk(phone.page, ROLES.reviewer)
    const card = phone.page.locator('li[data-pause]')
    await card.waitFor()
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`)
    await screenshot(phone.page, 'desk-phone')
    // The case: a request signed by the wallet, answered to a listed reviewer only.
    await card.getByRole('button', { name: 'Show case' }).click()
    const shown = card.locator('[data-case]')
    await shown.waitFor()
    assert.equal(
      await shown.locator('[data-case-check]').getAttribute('data-case-check'),
      'checked',
    )
    assert.match(
      await shown.locator('[data-case-input]').innerText(),
      /May I stop taking my medication\?/,
    )
    assert.equal(await shown.locator('[data-case-tool]').count(), 0)
    await card
      .getByLabel(/Your rationale/)
      .fill('Checked with the prescribing doctor: safe to answer.')
    await card.getByRole('button', { name: 'Approve (+1)' }).click()
    await phone.page.locator('li[data-pause]').waitFor({ state: 'detached', timeout: 20_000 })
    assert.match(
      await phone.page.locator('.resolved-item').innerText(),
      /^Pause [0-9a-f-]{36} approved \(\+1\): resolution record [0-9a-f-]{36}\.$/,
    )
    const answer = await caller
    resolvedTraceId = answer.trace_id
    assert.equal(answer.state, 0)
    assert.equal(answer.final_state, 1)
    // The other desk (still open) sees the pause leave through the Lantern stream.
    await page.locator('li[data-pause]').waitFor({ state: 'detached', timeout: 20_000 })
    await phone.page.getByText('No pause is waiting').waitFor()
    await screenshot(phone.page, 'desk-resolved-phone')
    await phone.context.close()
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
  })

  it('behavior: a chat answer held by the OpenAI proxy: the reviewer reads it on the desk, approves, and the caller gets it', async () => {
    configure(ROLES.reviewer)
    const chat = pausedChat(gateway.url, 120_000)
    const desk = await openPage(browser)
    await openDesk(desk.page, ROLES.reviewer)
    const card = desk.page.locator('li[data-pause]')
    await card.waitFor({ timeout: 20_000 })
    assert.match(await card.innerText(), /AMBIGUITY/)
    // Without a signed request the gateway shows nothing; with it, the held answer.
    assert.equal(await card.locator('[data-case]').count(), 0)
    await card.getByRole('button', { name: 'Show case' }).click()
    const shown = card.locator('[data-case]')
    await shown.waitFor()
    assert.equal(
      await shown.locator('[data-case-check]').getAttribute('data-case-check'),
      'checked',
    )
    assert.equal(
      await shown.locator('[data-case-answer]').innerText(),
      'You said: Can I take ibuprofen with this, maybe?.',
    )
    assert.match(
      await shown.locator('[data-case-context]').innerText(),
      /openai\.chat\.completions/,
    )
    await screenshot(desk.page, 'desk-case-chat')
    await card.getByLabel(/Your rationale/).fill('The answer only repeats the question: harmless.')
    await card.getByRole('button', { name: 'Approve (+1)' }).click()
    await desk.page.locator('li[data-pause]').waitFor({ state: 'detached', timeout: 20_000 })
    const answer = await chat
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    const choices = answer.body.choices as { message: { content: string } }[]
    assert.equal(choices[0]?.message.content, 'You said: Can I take ibuprofen with this, maybe?.')
    await desk.context.close()
    assert.deepEqual(
      desk.errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
  })

  it('behavior: on the local stack the page carries the development key and the desk connects by itself', async () => {
    const local = await openPage(browser)
    server.config.value = {
      chains: pageChains(world),
      gatewayUrl: `${server.url}/gateway`,
      testing: { mockAccounts: [ROLES.reviewer], devApiKey: API_KEY },
    }
    await local.page.goto(`${server.url}/?view=desk`)
    await local.page.locator('[data-stream="live"]').waitFor()
    await local.page.locator('[data-pauses-state="done"]').waitFor()
    assert.match(
      await local.page.locator('[data-dev-key]').innerText(),
      /development key of the local stack/,
    )
    assert.match(
      await local.page.locator('section[aria-labelledby="desk-heading"] .hint').innerText(),
      /data\/dev-api-key/,
    )
    await screenshot(local.page, 'desk-local-stack')
    await local.context.close()
    // A page whose gateway is not on this machine ignores such a key, and says so.
    server.config.value = {
      chains: pageChains(world),
      gatewayUrl: 'https://gateway.example.org',
      testing: { devApiKey: API_KEY },
    }
    const remote = await openPage(browser)
    await remote.page.goto(`${server.url}/?view=desk`)
    await remote.page.getByText("The page's configuration has 1 problem(s)").waitFor()
    assert.equal(await remote.page.locator('[data-pauses-state]').count(), 0)
    assert.equal(await remote.page.getByLabel('API key (reads the pauses)').inputValue(), '')
    await remote.context.close()
  })

  it('behavior: the page calls the real gateway directly from another origin (CORS)', async () => {
    // The page is on server.url, the gateway on its own port: another origin, no proxy.
    configure(ROLES.reviewer)
    const other = await openPage(browser)
    const p = other.page
    assert.notEqual(new URL(gateway.url).origin, new URL(server.url).origin)
    // The desk: a preflight for the authorization header, the pauses, and the Lantern stream.
    await p.goto(`${server.url}/?view=desk`)
    await p.getByLabel('Gateway URL').fill(gateway.url)
    await p.getByLabel('API key (reads the pauses)').fill(API_KEY)
    await p.getByRole('button', { name: 'Connect to the gateway' }).click()
    await p.locator('[data-stream="live"]').waitFor()
    await p.getByText('No pause is waiting').waitFor()
    // The verifier: the public proof route with no key; the page reads the gateway's own answer
    // (this gateway has no anchoring lane), not a network error.
    assert.ok(resolvedTraceId !== undefined)
    await p.goto(server.url)
    await p.getByText('Or fetch the proof from a gateway').click()
    await p.getByLabel('Gateway URL').fill(gateway.url)
    await p.getByLabel('Trace id').fill(resolvedTraceId)
    await p.getByRole('button', { name: 'Fetch and verify' }).click()
    const alert = await p.getByRole('alert').innerText()
    assert.doesNotMatch(alert, /Could not reach/)
    assert.match(alert, /^The gateway answered 503: this gateway runs without an anchoring lane\.$/)
    await other.context.close()
    assert.deepEqual(
      other.errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
  })
})
