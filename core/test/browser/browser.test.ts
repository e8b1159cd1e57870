// Proves that core is isomorphic: the same checks (checks.ts) run in Node and, bundled by esbuild
// for the browser, in a real Chromium page; both must give the same results. esbuild fails the
// build if anything in core reaches for a Node API.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { type CoreCheckResults, runCoreChecks, type VectorFile } from './checks.ts'

const CHROMIUM = '/usr/bin/chromium'
const vectorsDir = fileURLToPath(new URL('../../../test/vectors/rfc6962', import.meta.url))

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return jsonFiles(path)
      return name.endsWith('.json') ? [path] : []
    })
}

const vectors: VectorFile[] = jsonFiles(vectorsDir).map((path) => ({
  name: relative(vectorsDir, path),
  text: readFileSync(path, 'utf8'),
}))

let server: Server
let browser: Browser | undefined
let baseUrl: string

before(async () => {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  })
  const script = bundled.outputFiles[0]?.text ?? ''
  const page =
    '<!doctype html><meta charset="utf-8"><title>core</title><link rel="icon" href="data:,"><script type="module" src="/core.js"></script>'
  const vectorsJson = JSON.stringify(vectors)
  server = createServer((request, response) => {
    const routes: Record<string, [string, string]> = {
      '/': ['text/html; charset=utf-8', page],
      '/core.js': ['text/javascript; charset=utf-8', script],
      '/vectors.json': ['application/json', vectorsJson],
    }
    const route = routes[request.url ?? '']
    if (route === undefined) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': route[0], 'cache-control': 'no-store' }).end(route[1])
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

test('core runs in Chromium with the same results as in Node', { timeout: 180_000 }, async () => {
  // Never skipped: a machine without the browser must fail loudly, not pass quietly.
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: run \`apt-get install -y chromium\` (Debian's package) and try again`,
  )
  const inNode = await runCoreChecks(vectors)

  // The Node results are right on their own, so that agreement means more than "equally wrong".
  assert.ok(inNode.inclusion.length >= 90 && inNode.consistency.length >= 90, 'vectors found')
  for (const c of [...inNode.inclusion, ...inNode.consistency])
    assert.equal(c.valid, !c.wantErr, c.name)
  assert.equal(inNode.checkpoint.recovered, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
  assert.deepEqual(
    [
      inNode.checkpoint.verified,
      inNode.checkpoint.tamperedVerified,
      inNode.receipt.verified,
      inNode.receipt.tamperedVerified,
    ],
    [true, false, true, false],
  )
  assert.equal(inNode.bundle.valid, true)
  assert.deepEqual(inNode.tamperedBundle, { valid: false, failing: ['leafHash', 'inclusion'] })

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const page = await browser.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text())
  })
  await page.goto(`${baseUrl}/`)
  await page.waitForFunction(() => globalThis.coreReady === true, undefined, { timeout: 30_000 })
  const inBrowser: CoreCheckResults = await page.evaluate(async () => {
    const files = await (await fetch('/vectors.json')).json()
    return globalThis.runCoreChecks(files)
  })
  assert.deepEqual(pageErrors, [])
  // The page really is a browser: no Node globals leaked in through the bundle.
  assert.equal(
    await page.evaluate(() => typeof (globalThis as { process?: unknown }).process),
    'undefined',
  )

  assert.deepEqual(inBrowser, inNode)
})
