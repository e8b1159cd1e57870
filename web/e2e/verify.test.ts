// The verify view end to end: the built page in Chromium, served on 127.0.0.1, reads two real
// local chains where the bundle's checkpoints were anchored through the real CheckpointRegistry.
// A valid bundle verifies green (pasted, from a link's fragment, from a gateway); each tampered
// field fails at its own step.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { privateKeyToAccount } from 'viem/accounts'
import { checkpointFromJson, type ProofBundle, signCheckpoint } from '../../core/src/index.ts'
import { bundleToFragment } from '../src/verify/bundleFragment.ts'
import { launchBrowser, openPage, PHONE, screenshot } from './support/browser.ts'
import { pendingOts } from './support/ots.ts'
import { buildPage, type PageServer, servePage } from './support/pageServer.ts'
import { failedSteps, readResult, verifyText } from './support/verifyHelpers.ts'
import { DEV_KEYS, pageChains, ROLES, startWorld, type World } from './support/world.ts'

let world: World
let server: PageServer
let browser: Browser
let page: Page
let errors: string[]
let bundle: ProofBundle

const clone = (): ProofBundle => structuredClone(bundle)
const flip = (hex: string, at = 10): `0x${string}` =>
  `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}` as `0x${string}`

describe('verify view', { timeout: 600_000 }, () => {
  before(async () => {
    const [w, dist] = await Promise.all([startWorld(), buildPage()])
    world = w
    server = await servePage(dist)
    server.config.value = {
      chains: pageChains(world),
    }
    // Epoch 3 is not the head: the registry keeps its root only, which settles it.
    bundle = await world.bundle(2, 3)
    browser = await launchBrowser()
    ;({ page, errors } = await openPage(browser))
    await page.goto(server.url)
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await world?.stop()
  })

  it('behavior: a valid bundle verifies green, step by step, with the decision in plain words', async () => {
    const result = await verifyText(page, JSON.stringify(bundle, null, 2))
    assert.equal(result.valid, 'true')
    assert.deepEqual(
      result.steps.map((s) => [s.id, s.status]),
      [
        ['bundle', 'ok'],
        ['mtl', 'ok'],
        ['leafHash', 'ok'],
        ['inclusion', 'ok'],
        ['keys', 'ok'],
        ['checkpointSignature', 'ok'],
        ['receiptSignature', 'ok'],
        ['anchor:31337', 'ok'],
        ['anchor:31338', 'ok'],
        ['anchored', 'ok'],
        ['ots', 'info'],
      ],
    )
    const anchor = result.steps.find((s) => s.id === 'anchor:31337')?.text ?? ''
    assert.match(anchor, /Ethereum \(local\) \(chain 31337\)/)
    assert.match(anchor, new RegExp(`Block${bundle.anchors[0]?.blockNumber}`))
    assert.match(anchor, new RegExp(bundle.anchors[0]?.txHash ?? 'missing'))
    assert.match(anchor, /Time\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    const ots = result.steps.find((s) => s.id === 'ots')?.text ?? ''
    assert.match(
      ots,
      /timestamps the checkpoint's root hash; pending at https:\/\/calendar\.test\.invalid: not in a Bitcoin block yet/,
    )
    await assert.doesNotReject(
      page
        .getByRole('status')
        .filter({ hasText: 'Verified: this record is in a checkpoint' })
        .waitFor(),
    )
    const decision = page.locator('section.decision')
    assert.match(
      await decision.innerText(),
      /Resolution: the pause 0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f was approved \(\+1\)/,
    )
    assert.match(await decision.innerText(), /This record is verified/)
    assert.ok(
      result.offlineMs > 0 && result.offlineMs < 2000,
      `offline verification took ${result.offlineMs} ms`,
    )
    await screenshot(page, 'verify-valid-desktop')
    const phone = await openPage(browser, PHONE)
    await phone.page.goto(`${server.url}/${bundleToFragment(JSON.stringify(bundle))}`)
    assert.equal((await readResult(phone.page)).valid, 'true')
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`)
    await screenshot(phone.page, 'verify-valid-phone')
    await phone.context.close()
    assert.deepEqual(errors, [])
  })

  it('behavior: a link whose fragment carries a bundle of the head epoch verifies on open', async () => {
    const head = await world.bundle(6, 4)
    const link = await openPage(browser)
    await link.page.goto(`${server.url}/${bundleToFragment(JSON.stringify(head))}`)
    const result = await readResult(link.page)
    assert.equal(result.valid, 'true', JSON.stringify(failedSteps(result)))
    assert.match(await link.page.locator('section.decision').innerText(), /Refuse \(−1\)/)
    assert.equal(
      await link.page.getByLabel(/Proof bundle \(JSON\)/).inputValue(),
      JSON.stringify(head),
    )
    await link.context.close()
  })

  const tampered: {
    field: string
    tamper: (b: ProofBundle) => Promise<void> | void
    fails: string[]
    says?: RegExp
  }[] = [
    {
      field: 'v',
      tamper: (b) => {
        ;(b as { v: string }).v = 'tml-proof/2'
      },
      fails: ['bundle'],
    },
    {
      field: 'mtl.metrics',
      tamper: (b) => {
        b.mtl.metrics.entropy = 0.5
      },
      fails: ['inclusion', 'leafHash'],
      says: /receipt\.leafHash "0x[0-9a-f]{64}" does not match hashMtl\(mtl\) "0x[0-9a-f]{64}"/,
    },
    {
      field: 'mtl.trigger_type',
      tamper: (b) => {
        ;(b.mtl as { trigger_type: string }).trigger_type = 'WHIM'
      },
      fails: ['inclusion', 'leafHash', 'mtl'],
    },
    {
      field: 'mtl.log_id',
      tamper: (b) => {
        b.mtl.log_id = flip(b.mtl.log_id)
      },
      fails: ['inclusion', 'leafHash'],
    },
    {
      field: 'leafIndex',
      tamper: (b) => {
        b.leafIndex = 3
      },
      fails: ['inclusion', 'leafHash'],
    },
    {
      field: 'inclusionProof',
      tamper: (b) => {
        b.inclusionProof[0] = flip(b.inclusionProof[0] as string)
      },
      fails: ['inclusion'],
      says: /computed root 0x[0-9a-f]{64} does not match/,
    },
    {
      field: 'checkpoint.rootHash',
      tamper: (b) => {
        b.checkpoint.rootHash = flip(b.checkpoint.rootHash)
      },
      // The OpenTimestamps proof stamps the original root, so its line fails too.
      fails: [
        'anchor:31337',
        'anchor:31338',
        'anchored',
        'checkpointSignature',
        'inclusion',
        'ots',
      ],
    },
    {
      field: 'checkpoint.epoch',
      tamper: (b) => {
        b.checkpoint.epoch = 2
      },
      fails: ['anchor:31337', 'anchor:31338', 'anchored', 'checkpointSignature'],
      says: /chain 31337 holds checkpoint hash 0x[0-9a-f]{64} for epoch 2, the bundle's checkpoint hashes to 0x/,
    },
    {
      field: 'checkpointSignature',
      tamper: async (b) => {
        const other = privateKeyToAccount(DEV_KEYS[0])
        b.checkpointSignature = await signCheckpoint({
          checkpoint: checkpointFromJson(b.checkpoint),
          account: other,
        })
      },
      fails: ['checkpointSignature'],
      says: new RegExp(
        `the checkpoint is signed by ${privateKeyToAccount(DEV_KEYS[0]).address}, expected ${ROLES.signer}`,
      ),
    },
    {
      field: 'receipt.signature',
      tamper: (b) => {
        b.receipt.signature = flip(b.receipt.signature)
      },
      fails: ['receiptSignature'],
    },
    {
      field: 'receipt.leafHash',
      tamper: (b) => {
        b.receipt.leafHash = flip(b.receipt.leafHash)
      },
      fails: ['leafHash', 'receiptSignature'],
    },
    {
      field: 'log.checkpointSigner',
      tamper: (b) => {
        b.log.checkpointSigner = ROLES.operator
      },
      fails: ['checkpointSignature'],
      says: /the bundle claims checkpoint signer 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, but the trusted signer is/,
    },
    {
      field: 'log.receiptPublicKey',
      tamper: (b) => {
        b.log.receiptPublicKey = flip(b.log.receiptPublicKey)
      },
      fails: ['receiptSignature'],
    },
    {
      field: 'anchors[0].registry',
      tamper: (b) => {
        const anchor = b.anchors[0] as { registry: string }
        anchor.registry = world.chains[0]?.deployment.contracts.LanternRegistry.address ?? ''
      },
      fails: ['anchor:31337'],
      says: /is not the CheckpointRegistry on chain 31337/,
    },
    {
      field: 'anchors[0].chainId',
      tamper: (b) => {
        ;(b.anchors[0] as { chainId: number }).chainId = 1
      },
      fails: ['anchor:1'],
      says: /Chain 1 is not configured on this page/,
    },
  ]

  for (const { field, tamper, fails, says } of tampered) {
    it(`errors: a tampered ${field} fails at ${fails.join(', ')}`, async () => {
      const b = clone()
      await tamper(b)
      const result = await verifyText(page, JSON.stringify(b))
      assert.equal(result.valid, 'false')
      assert.deepEqual(failedSteps(result), fails)
      if (says) assert.match(result.steps.map((s) => s.text).join('\n'), says)
      assert.match(await page.getByRole('status').innerText(), /^Not verified: \d+ steps? failed/)
      if (field === 'checkpoint.rootHash') await screenshot(page, 'verify-tampered-root')
    })
  }

  it('errors: an OpenTimestamps proof of another digest than the checkpoint root fails its line', async () => {
    const b = clone()
    const other = `0x${'5a'.repeat(32)}`
    b.ots = pendingOts(other, 'https://calendar.test.invalid')
    const result = await verifyText(page, JSON.stringify(b))
    // The chains' anchors decide the verdict (as `tml verify` does); the line and verdict say so.
    assert.equal(result.valid, 'true')
    assert.deepEqual(failedSteps(result), ['ots'])
    assert.match(
      result.steps.find((s) => s.id === 'ots')?.text ?? '',
      new RegExp(`expected ${b.checkpoint.rootHash.toLowerCase()}, found ${other}`),
    )
    assert.match(
      await page.getByRole('status').innerText(),
      /^Verified: .*Its OpenTimestamps proof is not for this checkpoint's root/,
    )
    await screenshot(page, 'verify-ots-mismatch')
  })

  it('errors: text that is not JSON is refused with a message to act on', async () => {
    await page.getByLabel(/Proof bundle \(JSON\)/).fill('hello')
    await page.getByRole('button', { name: 'Verify', exact: true }).click()
    assert.match(
      await page.getByRole('alert').innerText(),
      /This is not JSON .*A proof bundle is a JSON file/,
    )
  })

  it('behavior: a gateway URL and trace id fetch the proof with no key; 202, 401 and 404 say why there is none', async () => {
    const ids = {
      ok: bundle.mtl.trace_id,
      pending: '0192d4e1-aaaa-7abc-8123-456789abcdef',
      none: '0192d4e1-bbbb-7abc-8123-456789abcdef',
      keyed: '0192d4e1-cccc-7abc-8123-456789abcdef',
    }
    const authorizations: (string | undefined)[] = []
    server.routes.push((request, response, url) => {
      const match = /^\/mockgw\/v1\/traces\/([^/]+)\/proof$/.exec(url.pathname)
      if (!match) return false
      authorizations.push(request.headers.authorization)
      if (match[1] === ids.ok)
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(bundle))
      else if (match[1] === ids.pending)
        response
          .writeHead(202, { 'content-type': 'application/json', 'retry-after': '30' })
          .end('{"status":"pending"}')
      else if (match[1] === ids.keyed && request.headers.authorization !== 'Bearer k-123')
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":"unauthorized"}')
      else if (match[1] === ids.keyed)
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(bundle))
      else
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}')
      return true
    })
    await page.getByText('Or fetch the proof from a gateway').click()
    await page.getByLabel('Gateway URL').fill(`${server.url}/mockgw`)
    const fetchWith = async (traceId: string) => {
      await page.getByLabel('Trace id').fill(traceId)
      await page.getByRole('button', { name: 'Fetch and verify' }).click()
    }
    await fetchWith(ids.pending)
    assert.match(
      await page.getByRole('alert').innerText(),
      /is logged but its checkpoint is not anchored yet.*trying again in 30 s/,
    )
    await fetchWith(ids.none)
    assert.match(
      await page.getByRole('alert').innerText(),
      /has no proof for trace 0192d4e1-bbbb-7abc-8123-456789abcdef \(404\)/,
    )
    await screenshot(page, 'verify-gateway-404')
    await fetchWith(ids.keyed)
    await page.getByRole('alert').filter({ hasText: 'asks for an API key' }).waitFor()
    let before = await page.evaluate(() =>
      Number(document.querySelector('section.result')?.getAttribute('data-run') ?? 0),
    )
    await fetchWith(ids.ok)
    assert.equal((await readResult(page, before)).valid, 'true')
    // Proofs are public: with the key field blank, no authorization header is sent.
    assert.deepEqual(authorizations, [undefined, undefined, undefined, undefined])
    await page.getByLabel('API key (optional)').fill('k-123')
    before = await page.evaluate(() =>
      Number(document.querySelector('section.result')?.getAttribute('data-run') ?? 0),
    )
    await fetchWith(ids.keyed)
    assert.equal((await readResult(page, before)).valid, 'true')
    assert.equal(authorizations.at(-1), 'Bearer k-123')
    await page.getByLabel('API key (optional)').fill('')
  })
})
