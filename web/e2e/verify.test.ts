// The verify view end to end: the built page in Chromium, served on 127.0.0.1, reads two real
// local chains where the bundle's checkpoints were anchored through the real CheckpointRegistry.
// A valid bundle verifies green (pasted, from a link's fragment, from a gateway); each tampered
// field fails at its own step, in plain words, and shows no colour or word of a verified
// decision; an anchor on a chain the page cannot read is reported as not checked; the `.ots`
// downloads; a certified operator's Lantern is lit; a log proven compromised is not verified.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { keccak256, stringToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  base64ToBytes,
  type Checkpoint,
  checkpointFromJson,
  checkpointRegistryAbi,
  lanternRegistryAbi,
  otsAttestations,
  type ProofBundle,
  parseOts,
  signCheckpoint,
} from '../../core/src/index.ts'
import { bundleToFragment } from '../src/verify/bundleFragment.ts'
import { launchBrowser, openPage, PHONE, screenshot } from './support/browser.ts'
import { pendingOts, standInBlock } from './support/ots.ts'
import { buildPage, type PageServer, servePage } from './support/pageServer.ts'
import { failedSteps, readResult, verifyText } from './support/verifyHelpers.ts'
import { CALENDAR, DEV_KEYS, pageChains, ROLES, startWorld, type World } from './support/world.ts'

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
    // Epoch 3 is not the head: the registry keeps its root only, which settles it. Leaf 0 is a
    // decision (a resolution's reviewer signature is core's own test).
    bundle = await world.bundle(0, 3)
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
        ['chains', 'ok'],
        ['keys', 'ok'],
        ['checkpointSignature', 'ok'],
        ['receiptSignature', 'ok'],
        ['anchor:31337', 'ok'],
        ['anchor:31338', 'ok'],
        ['agreement', 'ok'],
        ['anchored', 'ok'],
        ['logStatus', 'ok'],
        // Never certified yet: shown, not deciding.
        ['lantern', 'warn'],
        ['policy', 'warn'],
        ['ots', 'warn'],
      ],
    )
    const anchor = result.steps.find((s) => s.id === 'anchor:31337')?.text ?? ''
    assert.match(anchor, /Ethereum \(local\) \(chain 31337\)/)
    assert.match(anchor, new RegExp(`Block${bundle.anchors[0]?.blockNumber}`))
    assert.match(anchor, new RegExp(bundle.anchors[0]?.txHash ?? 'missing'))
    assert.match(anchor, /Time\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    const ots = result.steps.find((s) => s.id === 'ots')?.text ?? ''
    assert.match(ots, /Waiting for Bitcoin.*pending at https:\/\/calendar\.test\.invalid/)
    assert.match(
      result.steps.find((s) => s.id === 'lantern')?.text ?? '',
      /The operator's Lantern is lit \(note\).*never certified/i,
    )
    await assert.doesNotReject(
      page
        .getByRole('status')
        .filter({ hasText: 'Verified: this record is in a checkpoint' })
        .waitFor(),
    )
    const decision = page.locator('section.decision')
    assert.match(await decision.innerText(), /Proceed \(\+1\): the system was allowed to act/)
    assert.match(
      await page.locator('.verdict-scope').innerText(),
      /^Checked on chain 31337, 31338 \(pinned registries\)/,
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
  ]

  for (const { field, tamper, fails, says } of tampered) {
    it(`errors: a tampered ${field} fails at ${fails.join(', ')}`, async () => {
      const b = clone()
      await tamper(b)
      const result = await verifyText(page, JSON.stringify(b))
      assert.equal(result.valid, 'false')
      assert.deepEqual(failedSteps(result), fails)
      if (says) assert.match(result.steps.map((s) => s.text).join('\n'), says)
      assert.match(await page.getByRole('status').innerText(), /^Not verified\. /)
      // Nothing of a verified decision: no green verdict, no decision section.
      assert.equal(await page.locator('.verdict.ok, section.decision').count(), 0)
      if (field === 'checkpoint.rootHash') await screenshot(page, 'verify-tampered-root')
    })
  }

  it("behavior: the bundle's registry address is not trusted: the page reads its own pinned registry", async () => {
    const b = clone()
    const lantern = world.chains[0]?.deployment.contracts.LanternRegistry.address ?? ''
    ;(b.anchors[0] as { registry: string }).registry = lantern
    const result = await verifyText(page, JSON.stringify(b))
    // The checkpoint is where the page's own registry says: the bundle's claim changes nothing.
    assert.equal(result.valid, 'true', JSON.stringify(failedSteps(result)))
    assert.match(
      result.steps.find((s) => s.id === 'anchor:31337')?.text ?? '',
      new RegExp(
        `the bundle names registry ${lantern}, the trusted ${world.chains[0]?.deployment.contracts.CheckpointRegistry.address} was read`,
        'i',
      ),
    )
  })

  it('errors: an OpenTimestamps proof of another digest than the checkpoint root fails the verdict', async () => {
    const b = clone()
    const other = `0x${'5a'.repeat(32)}`
    b.ots = pendingOts(other, 'https://calendar.test.invalid')
    const result = await verifyText(page, JSON.stringify(b))
    assert.equal(result.valid, 'false')
    assert.deepEqual(failedSteps(result), ['ots'])
    assert.match(
      result.steps.find((s) => s.id === 'ots')?.text ?? '',
      new RegExp(`the \\.ots digest is ${other}, the checkpoint root is ${b.checkpoint.rootHash}`),
    )
    assert.match(
      await page.getByRole('status').innerText(),
      /^Not verified\. The Bitcoin timestamp is for something else than this checkpoint\.$/,
    )
    await screenshot(page, 'verify-ots-mismatch')
  })

  it("behavior: with a Bitcoin header source, the timestamp is checked against its block's header", async () => {
    const height = 840_000
    const b = clone()
    b.ots = pendingOts(b.checkpoint.rootHash, CALENDAR, height)
    const attested = otsAttestations(parseOts(base64ToBytes(b.ots))).find(
      (a) => a.attestation.kind === 'bitcoin',
    )
    assert.ok(attested)
    const good = standInBlock(attested.message, 1_713_571_767)
    const bad = standInBlock(new Uint8Array(32).fill(7), 1_713_571_767)
    let serve = good
    const asked: string[] = []
    server.routes.push((_request, response, url) => {
      if (!url.pathname.startsWith('/esplora/')) return false
      asked.push(url.pathname)
      if (url.pathname === `/esplora/block-height/${height}`)
        response.writeHead(200).end(serve.hash)
      else if (url.pathname === `/esplora/block/${serve.hash}/header`)
        response.writeHead(200).end(serve.header)
      else response.writeHead(404).end('not found')
      return true
    })
    await page.getByText('Also check the Bitcoin timestamp').click()
    await page
      .getByLabel('Bitcoin block headers from (Esplora API URL)')
      .fill(`${server.url}/esplora`)
    let result = await verifyText(page, JSON.stringify(b))
    assert.equal(result.valid, 'true', JSON.stringify(failedSteps(result)))
    const ots = result.steps.find((s) => s.id === 'ots')
    assert.equal(ots?.status, 'ok', ots?.text)
    assert.match(ots?.text ?? '', new RegExp(`in Bitcoin block ${height} \\(0x${good.hash}\\)`))
    assert.deepEqual(asked, [
      `/esplora/block-height/${height}`,
      `/esplora/block/${good.hash}/header`,
    ])

    // A header source whose block does not hold the proof's root: the timestamp fails.
    serve = bad
    result = await verifyText(page, JSON.stringify(b))
    assert.equal(result.valid, 'false')
    assert.deepEqual(failedSteps(result), ['ots'])
    assert.match(
      await page.getByRole('status').innerText(),
      new RegExp(
        `^Not verified\\. The Bitcoin timestamp claims block ${height}, but that block does not contain it`,
      ),
    )
    await page.getByLabel('Bitcoin block headers from (Esplora API URL)').fill('')
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
  it('errors: a tampered record shows no green and no decision, and says in plain words what it means', async () => {
    const b = clone()
    b.mtl.trigger_detail = 'edited after the fact'
    const result = await verifyText(page, JSON.stringify(b))
    assert.equal(result.valid, 'false')
    const verdict = page.getByRole('status')
    assert.match(
      await verdict.innerText(),
      /^Not verified\. The decision record is not the one the log signed a receipt for/,
    )
    assert.equal(await verdict.getAttribute('class'), 'verdict failed')
    // The claim is shown only as a claim: folded, neutral, without the decision's words.
    assert.equal(await page.locator('section.decision, .decision-headline, .verdict.ok').count(), 0)
    const claimed = page.locator('section.claimed')
    assert.match(await claimed.innerText(), /What the bundle claims \(not verified\)/)
    assert.doesNotMatch(await page.locator('main').innerText(), /Proceed \(\+1\)|allowed to act/)
    assert.equal(await claimed.locator('details').getAttribute('open'), null)
    // The technical detail is there, folded beneath the plain words.
    const leaf = page.locator('li[data-step="leafHash"]')
    assert.equal(await leaf.locator('details').getAttribute('open'), null)
    assert.match((await leaf.textContent()) ?? '', /does not match hashMtl\(mtl\)/)
    await screenshot(page, 'verify-tampered-record')
  })

  it("behavior: the bundle's .ots file downloads, byte for byte, for the reference client", async () => {
    await verifyText(page, JSON.stringify(bundle))
    const button = page.getByRole('button', { name: 'Download the OpenTimestamps proof (.ots)' })
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
    assert.equal(
      download.suggestedFilename(),
      `tml-${world.logId.slice(2, 10).toLowerCase()}-epoch-3.ots`,
    )
    const bytes = readFileSync(await download.path())
    assert.deepEqual(new Uint8Array(bytes), base64ToBytes(bundle.ots ?? ''))
    assert.match(
      await page.locator('.ots-download').innerText(),
      new RegExp(`ots verify -d ${bundle.checkpoint.rootHash.slice(2).toLowerCase()} tml-`),
    )
  })

  it('behavior: an anchor on a chain this page has no RPC for is not checked, and the verdict says so', async () => {
    const b = clone()
    // Polygon Amoy: a real chain, not in this page's configuration.
    b.anchors.push({ ...(b.anchors[1] as ProofBundle['anchors'][number]), chainId: 80002 })
    const result = await verifyText(page, JSON.stringify(b))
    assert.equal(result.valid, 'true', JSON.stringify(failedSteps(result)))
    assert.equal(result.steps.find((s) => s.id === 'anchor:80002')?.status, 'unchecked')
    assert.match(
      result.steps.find((s) => s.id === 'anchor:80002')?.text ?? '',
      /anchored on chain 80002 \(not checked\)/,
    )
    assert.match(
      await page.getByRole('status').innerText(),
      /^Verified: .*anchored on Ethereum \(local\) \(chain 31337\) and Polygon \(local\) \(chain 31338\)\. Not checked here: the checkpoint is anchored on chain 80002 \(see below\)\.$/,
    )
    assert.match(
      await page.locator('.verdict-scope').innerText(),
      /Checked on chain 31337, 31338 .*not checked: chain 80002/,
    )
    await screenshot(page, 'verify-unchecked-chain')
  })

  it("behavior: a certified operator's Lantern is lit and the decision's policy is covered", async () => {
    for (const chain of world.chains) {
      const latest = await chain.publicClient.getBlock()
      const hash = await chain.wallet.writeContract({
        address: chain.deployment.contracts.LanternRegistry.address,
        abi: lanternRegistryAbi,
        functionName: 'grantCertification',
        args: [
          ROLES.operator,
          keccak256(stringToHex('lantern/medical')),
          latest.timestamp + 365n * 86_400n,
          keccak256(stringToHex('audit report')),
          [bundle.mtl.policy_hash],
          `0x${'00'.repeat(32)}`,
        ],
        account: ROLES.certifier,
        chain: null,
      })
      assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, 'success')
    }
    const result = await verifyText(page, JSON.stringify(bundle))
    assert.equal(result.valid, 'true')
    assert.equal(result.steps.find((s) => s.id === 'lantern')?.status, 'ok')
    assert.equal(result.steps.find((s) => s.id === 'policy')?.status, 'ok')
  })

  // Last: a compromised log stays compromised.
  it('errors: a log proven compromised on one chain is not verified, and says by which transaction', async () => {
    const signer = privateKeyToAccount(DEV_KEYS[2])
    const good = world.epochs[3]?.checkpoint as Checkpoint
    const forged: Checkpoint = { ...good, rootHash: `0x${'cd'.repeat(32)}` }
    const chain = world.chains[0]
    assert.ok(chain)
    const hash = await chain.wallet.writeContract({
      address: chain.deployment.contracts.CheckpointRegistry.address,
      abi: checkpointRegistryAbi,
      functionName: 'reportEquivocation',
      args: [
        {
          checkpoint: good,
          signature: await signCheckpoint({ checkpoint: good, account: signer }),
        },
        {
          checkpoint: forged,
          signature: await signCheckpoint({ checkpoint: forged, account: signer }),
        },
      ],
      account: ROLES.certifier,
      chain: null,
    })
    assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, 'success')

    // The bundle itself is untouched and was valid a moment ago.
    const result = await verifyText(page, JSON.stringify(bundle))
    assert.equal(result.valid, 'false')
    assert.deepEqual(failedSteps(result), ['logStatus'])
    assert.match(
      await page.getByRole('status').innerText(),
      /^Not verified\. This log was proven on chain to have contradicted itself/,
    )
    assert.match(result.steps.find((s) => s.id === 'logStatus')?.text ?? '', new RegExp(hash))
    assert.equal(result.steps.find((s) => s.id === 'lantern')?.status, 'warn')
    assert.equal(await page.locator('.verdict.ok, section.decision').count(), 0)
    await screenshot(page, 'verify-compromised-log')
  })
})
