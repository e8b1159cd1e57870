// Web page benchmark: the production bundle's first-load size (gzip) and the time to verify a
// proof bundle in Chromium without chain reads, beside the same verification in Node and the
// full verification with reads of two local chains. Writes bench/results/web.json.
//
//   npm run bench:web            (about 40 s: builds the page, starts two local chains)
//   BENCH_RUNS=100 npm run bench:web
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { gzipSync } from 'node:zlib'
import { verifyBundle } from '../core/src/index.ts'
import { launchBrowser, openPage } from '../web/e2e/support/browser.ts'
import { buildPage, servePage } from '../web/e2e/support/pageServer.ts'
import { verifyText } from '../web/e2e/support/verifyHelpers.ts'
import { pageChains, startWorld } from '../web/e2e/support/world.ts'
import { median } from './stats.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 40)
const root = join(import.meta.dirname, '..')
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number
const round = (x: number) => Math.round(x * 100) / 100

type Chunk = {
  file: string
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
  isEntry?: boolean
}

const startedAt = loadavg()
console.log('bench:web: building the page …')
const dist = await buildPage()

// First load: index.html, the entry chunk, its static imports (recursively) and their CSS.
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  Chunk
>
const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry)
if (entryKey === undefined) throw new Error('no entry chunk in the manifest')
const firstLoad = new Set<string>(['index.html'])
const visit = (key: string) => {
  const chunk = manifest[key]
  if (chunk === undefined || firstLoad.has(chunk.file)) return
  firstLoad.add(chunk.file)
  for (const css of chunk.css ?? []) firstLoad.add(css)
  for (const next of chunk.imports ?? []) visit(next)
}
visit(entryKey)
const sizes = (files: Iterable<string>) => {
  let raw = 0
  let gzip = 0
  for (const file of files) {
    const bytes = readFileSync(join(dist, file))
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { raw, gzip }
}
const first = sizes(firstLoad)
const allFiles = new Set<string>(['index.html'])
for (const chunk of Object.values(manifest)) {
  allFiles.add(chunk.file)
  for (const css of chunk.css ?? []) allFiles.add(css)
}
const all = sizes(allFiles)
const lazy = Object.entries(manifest)
  .filter(([, c]) => !firstLoad.has(c.file))
  .map(([key, c]) => ({ chunk: key, gzipKB: kb(sizes([c.file, ...(c.css ?? [])]).gzip) }))
  .sort((a, b) => b.gzipKB - a.gzipKB)
console.log(
  `bench:web: first load ${kb(first.gzip)} KB gzip (${kb(first.raw)} KB raw), all chunks ${kb(all.gzip)} KB gzip`,
)

console.log('bench:web: starting two local chains and anchoring a log …')
const world = await startWorld({ epochSizes: [2, 3, 5], lateBeforeLast: false })
const server = await servePage(dist)
const browser = await launchBrowser()
try {
  server.config.value = {
    chains: pageChains(world),
  }
  // Leaf 0 is a decision (a resolution also needs its policy document in the bundle).
  const bundle = await world.bundle(0, 3)
  const text = JSON.stringify(bundle)

  // Node, for comparison: the same offline verification (no chain reads).
  const notRead = async () => {
    throw new Error('not read')
  }
  const nodeTimes: number[] = []
  for (let i = 0; i < RUNS + 5; i++) {
    const t = performance.now()
    await verifyBundle(JSON.parse(text), { readCheckpoint: notRead })
    if (i >= 5) nodeTimes.push(performance.now() - t)
  }

  const { page } = await openPage(browser)
  const loadStart = performance.now()
  await page.goto(server.url)
  await page.getByLabel(/Proof bundle \(JSON\)/).waitFor()
  const pageReadyMs = performance.now() - loadStart
  const offline: number[] = []
  const full: number[] = []
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now()
    const result = await verifyText(page, text)
    full.push(performance.now() - t)
    if (result.valid !== 'true') throw new Error(`run ${i}: the bundle did not verify`)
    offline.push(result.offlineMs)
  }
  const [cold, ...warm] = offline
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    chromium: browser.version(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: { atStart: startedAt.map(round), atEnd: loadavg().map(round) },
    runs: RUNS,
    verifyMs: round(median(warm)),
    verifyMsP95: round(percentile(warm, 0.95)),
    verifyMsFirst: round(cold ?? 0),
    verifyMsNode: round(median(nodeTimes)),
    fullVerifyWithLocalChainReadsMs: round(median(full.slice(1))),
    pageReadyMs: round(pageReadyMs),
    firstLoadGzipKB: kb(first.gzip),
    firstLoadRawKB: kb(first.raw),
    firstLoadFiles: [...firstLoad],
    allChunksGzipKB: kb(all.gzip),
    lazyChunksGzipKB: lazy,
    targets: { verifyMs: 50, firstLoadGzipKB: 350 },
    notes:
      'verifyMs: median over runs after the first of core verifyBundle in the page without chain reads ' +
      '(schema, JCS leaf hash, RFC 9162 inclusion, EIP-712 recover, P-256), as the page measures it. ' +
      'fullVerifyWithLocalChainReadsMs: paste to verdict, reading keys, checkpoints and anchor ' +
      'transactions from two local Hardhat nodes. Sizes: gzip level 9 of the built files.',
  }
  writeFileSync(join(root, 'bench', 'results', 'web.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.table({
    'verify in Chromium, no chain reads (median ms)': results.verifyMs,
    'same, p95 (ms)': results.verifyMsP95,
    'same, first run (ms)': results.verifyMsFirst,
    'same in Node (median ms)': results.verifyMsNode,
    'full verify with local chain reads (median ms)': results.fullVerifyWithLocalChainReadsMs,
    'first load (gzip KB)': results.firstLoadGzipKB,
    'all chunks (gzip KB)': results.allChunksGzipKB,
  })
  console.log('bench:web: wrote bench/results/web.json')
} finally {
  await browser.close()
  await server.close()
  await world.stop()
}
