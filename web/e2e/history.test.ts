// The epoch history end to end: epochs read from a real local chain's events, the late epoch
// standing out, consistency checked in the browser with proofs from a (mock) gateway, CSV and
// JSON exports, and a proven equivocation turning the log's page red.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { checkpointRegistryAbi } from '@tml/core'
import type { Browser, Page } from 'playwright-core'
import { privateKeyToAccount } from 'viem/accounts'
import { type Checkpoint, signCheckpoint } from '../../core/src/index.ts'
import { launchBrowser, openPage, PHONE, screenshot } from './support/browser.ts'
import { buildPage, type PageServer, servePage } from './support/pageServer.ts'
import { DEV_KEYS, pageChains, ROLES, startWorld, type World } from './support/world.ts'

let world: World
let server: PageServer
let browser: Browser
let page: Page
let errors: string[]

/** Opens the history: the chain's first log loads by itself, with no click. */
async function showHistory(p: Page) {
  await p.goto(`${server.url}/?view=history`)
  await p
    .getByLabel('Log', { exact: true })
    .locator('option', { hasText: 'gateway-1' })
    .waitFor({ state: 'attached' })
  await p.locator('table.epochs tbody tr').first().waitFor()
}

const rowOf = (p: Page, epoch: number) => p.locator(`table.epochs tr[data-epoch="${epoch}"]`)

describe('epoch history view', { timeout: 600_000 }, () => {
  before(async () => {
    const [w, dist] = await Promise.all([startWorld(), buildPage()])
    world = w
    server = await servePage(dist)
    server.config.value = {
      chains: pageChains(world),
    }
    // A gateway that serves the log's consistency proofs, and one whose proofs are corrupt.
    server.routes.push(async (_request, response, url) => {
      // The gateway's route: GET /v1/logs/{logId}/consistency?from=&to= → { from, to, proof }.
      const match = /^\/(good|bad)gw\/v1\/logs\/(0x[0-9a-f]{64})\/consistency$/i.exec(url.pathname)
      if (!match || match[2]?.toLowerCase() !== world.logId.toLowerCase()) return false
      const from = Number(url.searchParams.get('from'))
      const to = Number(url.searchParams.get('to'))
      const proof = await world.consistencyProof(from, to)
      if (match[1] === 'bad' && proof[0]) proof[0] = `0x${'ab'.repeat(32)}`
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ from, to, proof }))
      return true
    })
    browser = await launchBrowser()
    ;({ page, errors } = await openPage(browser))
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await world?.stop()
  })

  it('behavior: shows every anchored epoch from the events, with the late one standing out', async () => {
    await showHistory(page)
    const rows = await page
      .locator('table.epochs tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')),
      )
    assert.deepEqual(
      rows.map((cells) => cells.slice(0, 3)),
      [
        ['4', '7', '2'],
        ['3', '5', '2'],
        ['2', '3', '1'],
        ['1', '2', '2'],
      ],
    )
    for (const [i, epoch] of world.epochs.entries()) {
      const cells = rows[world.epochs.length - 1 - i] ?? []
      assert.equal(cells[3], epoch.checkpoint.rootHash)
      assert.match(cells[6] ?? '', new RegExp(epoch.txHashes[31337] ?? 'missing'))
    }
    assert.equal(await rowOf(page, 4).getAttribute('class'), 'late')
    assert.equal(await rowOf(page, 3).getAttribute('class'), null)
    assert.match(await rowOf(page, 4).innerText(), /2 h\s+late/)
    assert.match(
      await page.getByRole('status').innerText(),
      /1 epoch was late: the gap before it exceeded the log’s maximum epoch interval \(longest gap 2 h\)/,
    )
    assert.match(
      (await page.getByRole('img').getAttribute('aria-label')) ?? '',
      /Chart of 4 epochs: at most 2 entries per epoch; 1 gap longer than the maximum epoch interval of 1 h/,
    )
    assert.equal(await page.locator('svg.chart rect[fill="#b3261e"]').count(), 1)
    // Every non-zero gap bar is drawn tall enough to see (the chart's scale is logarithmic).
    const bars = await page
      .locator('svg.chart rect')
      .evaluateAll((rects) =>
        rects.map((r) => [r.textContent ?? '', Number(r.getAttribute('height'))] as const),
      )
    assert.equal(bars.length, 8)
    for (const [title, h] of bars.slice(4))
      if (!/: 0 s$/.test(title)) assert.ok(h >= 3, `the bar of ${title} is ${h}px high`)
    // The chain and log selects show their whole text (room for it beside the arrow).
    const room = await page.locator('form select').evaluateAll((selects) =>
      selects.map((s) => {
        const select = s as HTMLSelectElement
        const style = getComputedStyle(select)
        const canvas = document.createElement('canvas').getContext('2d')
        if (canvas === null) return -1
        canvas.font = `${style.fontSize} ${style.fontFamily}`
        const text = select.options[select.selectedIndex]?.text ?? ''
        const inner =
          select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20
        return Math.round(inner - canvas.measureText(text).width)
      }),
    )
    assert.equal(room.length, 2)
    for (const r of room) assert.ok(r >= 0, `a select is ${-r}px too narrow for its text`)
    await screenshot(page, 'history-desktop')
    assert.deepEqual(errors, [])
  })

  it('behavior: checks consistency between consecutive epochs with proofs from the gateway', async () => {
    await page.getByLabel('Operator’s gateway URL').fill(`${server.url}/goodgw`)
    await page.getByRole('button', { name: 'Check consistency' }).click()
    const summary = page.locator('[data-consistency-summary]')
    await summary.filter({ hasText: '3 of 3' }).waitFor()
    assert.equal(await summary.innerText(), '3 of 3 consecutive epoch pairs proven consistent.')
    for (const epoch of [2, 3, 4])
      assert.equal(
        await rowOf(page, epoch).locator('td[data-consistency]').getAttribute('data-consistency'),
        'ok',
      )
    assert.equal(
      await rowOf(page, 1).locator('td[data-consistency]').getAttribute('data-consistency'),
      'unchecked',
    )
  })

  it('behavior: exports the history as CSV and JSON', async () => {
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ])
    const csv = readFileSync((await csvDownload.path()) ?? '', 'utf8').split('\r\n')
    assert.equal(
      csv[0],
      'epoch,treeSize,entries,rootHash,timestamp,timeUtc,gapSeconds,late,blockNumber,transactionHash,consistentWithPrevious',
    )
    assert.equal(csv.length, 6)
    const last = world.epochs[3]?.checkpoint as Checkpoint
    assert.match(
      csv[4] ?? '',
      new RegExp(
        `^4,7,2,${last.rootHash},${last.timestamp},[^,]+Z,\\d+,true,\\d+,0x[0-9a-f]{64},yes$`,
      ),
    )
    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ])
    const json = JSON.parse(readFileSync((await jsonDownload.path()) ?? '', 'utf8'))
    assert.equal(json.format, 'tml-epoch-history/1')
    assert.equal(json.logId, world.logId)
    assert.equal(json.operator, ROLES.operator)
    assert.deepEqual(
      json.epochs.map((e: { epoch: string; treeSize: string; late: boolean }) => [
        e.epoch,
        e.treeSize,
        e.late,
      ]),
      [
        ['1', '2', false],
        ['2', '3', false],
        ['3', '5', false],
        ['4', '7', true],
      ],
    )
  })

  it('errors: a corrupt consistency proof from the gateway fails in the browser', async () => {
    await page.getByLabel('Operator’s gateway URL').fill(`${server.url}/badgw`)
    await page.getByRole('button', { name: 'Check consistency' }).click()
    await page.locator('[data-consistency-summary]').filter({ hasText: 'failed' }).waitFor()
    assert.match(await page.locator('[data-consistency-summary]').innerText(), /proofs? failed/)
    assert.equal(await rowOf(page, 3).getAttribute('class'), 'bad')
    assert.match(await rowOf(page, 3).innerText(), /✗ /)
    await screenshot(page, 'history-inconsistent')
  })

  it('errors: a filter that is not an address or log id says what to type', async () => {
    await page.goto(`${server.url}/?view=history`)
    await page.getByLabel('Operator address or log id (optional)').fill('gateway')
    assert.match(
      await page.locator('#filter-problem').innerText(),
      /Type an operator address \(0x \+ 40 hex digits\) or a log id/,
    )
    await page.getByLabel('Operator address or log id (optional)').fill(ROLES.certifier)
    assert.match(
      await page.locator('#filter-problem').innerText(),
      /No log on this chain has that id or operator/,
    )
    assert.equal(
      await page.getByRole('button', { name: 'Read the chain again' }).isDisabled(),
      true,
    )
  })

  it('behavior: a late log and a proven equivocation stand out', async () => {
    await world.advanceTime(2 * 3600)
    await showHistory(page)
    assert.match(
      await page.getByRole('status').innerText(),
      /No checkpoint for 2 h( \d+ min)?: the log is late now/,
    )
    // Two checkpoints of epoch 4 with different roots, both signed by the log's signer.
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

    const phone = await openPage(browser, PHONE)
    await phone.page.goto(`${server.url}/?view=history&chain=31337&log=${world.logId}`)
    await phone.page
      .getByLabel('Log', { exact: true })
      .locator('option', { hasText: 'gateway-1' })
      .waitFor({ state: 'attached' })
    const status = phone.page.getByRole('status')
    await status.filter({ hasText: 'caught equivocating' }).waitFor()
    assert.match(
      await status.innerText(),
      /epoch 4: the same epoch with two roots or sizes, reported by 0x90F79bf6EB2c4f870365E785982E1f101E93b906/,
    )
    // A compromised log anchors nothing more: being late no longer matters.
    assert.doesNotMatch(await status.innerText(), /the log is late now/)
    assert.match(
      await phone.page.locator('.facts').first().innerText(),
      /compromised \(caught equivocating\)/,
    )
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`)
    await screenshot(phone.page, 'history-equivocation-phone')
    await phone.context.close()
  })
})
