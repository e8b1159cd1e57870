// Anchoring lane benchmark (`npm run bench:anchor`): writes bench/results/anchor.json.
//
// 1. Epoch close → checkpoint confirmed on both local chains (two Hardhat nodes started here,
//    registries deployed, one anchorer per chain): p50 / p95 over EPOCHS epochs. Budget 500 ms.
// 2. Sequencing: 1,000,000 MTL leaf hashes integrated into the RFC 9162 tree with every node
//    persisted (SQLite, fsync per batch), through the gateway's Sequencer.
// 3. Proof bundles at 1M and 10M leaves: inclusion proof read from the stored nodes (no tree
//    recomputation) and the whole tml-proof/1 bundle assembled; median and p95 over random leaves.
// 4. Memory at 10M: a fresh process opens the 10M-leaf store, resumes the sequencer from it and
//    serves bundles; its RSS is what the gateway needs for the tree (the MTL bodies stay on disk).
//
//   npm run bench:anchor                 (10M leaves: several minutes, ~2 GB of temporary disk)
//   npm run bench:anchor -- --quick      (1M leaves for the "10M" figures, marked as such)
import { fork } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { privateKeyToAccount } from 'viem/accounts'
import { bytesToHex, type Hex, RECEIPT_VERSION } from '../core/src/index.ts'
import type { AnchorStore } from '../gateway/src/anchoring/AnchorStore.ts'
import { ChainAnchorer } from '../gateway/src/anchoring/ChainAnchorer.ts'
import { SqliteAnchorStore } from '../gateway/src/anchoring/SqliteAnchorStore.ts'
import { nodeSha256 } from '../gateway/src/keys/nodeSha256.ts'
import type { StoredEntry } from '../gateway/src/memory/LogStore.ts'
import { buildProofBundle } from '../gateway/src/proofs/buildProofBundle.ts'
import { Sequencer } from '../gateway/src/sequencer/Sequencer.ts'
import { chainConfigs, startChains } from '../gateway/test/e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../gateway/test/e2e/localChains.ts'
import { tempDir } from '../gateway/test/helpers/memory.ts'
import { quantile } from './stats.ts'

const SELF = fileURLToPath(import.meta.url)
const quick = process.argv.includes('--quick')
const LARGE = quick ? 1_000_000 : 10_000_000
const EPOCHS = quick ? 20 : 50
const SAMPLES = 200
const LOG_ID: Hex = `0x${'ab'.repeat(32)}`
const SIGNER = privateKeyToAccount(`0x${'42'.repeat(32)}`)

/** A stand-in for the Always Memory store: leaf hashes of counter MTLs, computed on demand. */
function fakeEntries(count: () => number) {
  return {
    entries: async (from: number, limit: number): Promise<StoredEntry[]> => {
      const out: StoredEntry[] = []
      const end = Math.min(count(), from + limit)
      for (let seq = from; seq < end; seq++) out.push(fakeEntry(seq))
      return out
    },
  }
}

function fakeEntry(seq: number): StoredEntry {
  const leafHash = bytesToHex(
    nodeSha256(new Uint8Array([0]), new TextEncoder().encode(`mtl ${seq}`)),
  )
  return {
    seq,
    traceId: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    kind: 'decision',
    state: 1,
    leafHash,
    mtl: `{"seq":${seq}}`,
    receipt: {
      v: RECEIPT_VERSION,
      logId: LOG_ID,
      traceId: '',
      seq,
      leafHash,
      timestamp: '',
      signature: '0x',
    },
    refersTo: null,
    profile: null,
    pauseDeadlineMs: null,
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000

async function bundleTimes(
  store: AnchorStore,
  size: number,
): Promise<{ p50: number; p95: number }> {
  const cp = await store.latestCheckpoint()
  if (!cp) throw new Error('no checkpoint')
  await store.putAnchor({
    epoch: cp.epoch,
    chainId: 31337,
    registry: '0x0000000000000000000000000000000000000001',
    status: 'confirmed',
    txHash: `0x${'11'.repeat(32)}`,
    nonce: 0,
    blockNumber: 1,
    confirmations: 1,
    attempts: 1,
    lastError: null,
    updatedMs: 0,
  })
  const times: number[] = []
  for (let i = 0; i < SAMPLES + 20; i++) {
    const seq = Math.floor(Math.random() * size)
    const entry = fakeEntry(seq)
    const t0 = performance.now()
    const r = await buildProofBundle({
      entry,
      store,
      logId: LOG_ID,
      checkpointSigner: SIGNER.address,
      receiptPublicKey: `0x04${'00'.repeat(64)}`,
      confirmedEpochs: [cp.epoch],
      hash: nodeSha256,
    })
    JSON.stringify(r)
    const dt = performance.now() - t0
    if (r.status !== 'anchored' || r.bundle.inclusionProof.length === 0)
      throw new Error('no bundle')
    if (i >= 20) times.push(dt) // the first reads warm the page cache
  }
  times.sort((a, b) => a - b)
  return { p50: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)) }
}

async function sequence(path: string, size: number) {
  const store = SqliteAnchorStore.open({ path })
  const sequencer = new Sequencer({
    logId: LOG_ID,
    entries: fakeEntries(() => size),
    store,
    signer: SIGNER,
    epochSize: Number.MAX_SAFE_INTEGER,
    batch: 20_000,
    hash: nodeSha256,
  })
  const t0 = performance.now()
  const cp = await sequencer.closeNow()
  const seconds = (performance.now() - t0) / 1000
  if (cp?.treeSize !== size) throw new Error('sequencing incomplete')
  return { store, seconds }
}

if (process.argv[2] === 'rss') {
  // The child: a fresh process on the large store, as a restarted gateway would be.
  const path = process.argv[3] as string
  const size = Number(process.argv[4])
  const store = SqliteAnchorStore.open({ path })
  const sequencer = new Sequencer({
    logId: LOG_ID,
    entries: fakeEntries(() => size),
    store,
    signer: SIGNER,
    hash: nodeSha256,
  })
  await sequencer.tick() // resumes the compact tree from the stored nodes
  const times = await bundleTimes(store, size)
  globalThis.gc?.()
  process.send?.({ rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10, times })
  await store.close()
  process.exit(0)
}

const work = tempDir('tml-bench-anchor-')
try {
  // 1. Epoch close → confirmed on both chains.
  const fixture = await startChains()
  const store = SqliteAnchorStore.open({ path: join(work, 'lane.db') })
  let size = 0
  const sequencer = new Sequencer({
    logId: fixture.logId,
    entries: fakeEntries(() => size),
    store,
    signer: privateKeyToAccount(fixture.checkpointKey),
    hash: nodeSha256,
  })
  const anchorers = chainConfigs(fixture).map(
    (chain) =>
      new ChainAnchorer({
        chain,
        logId: fixture.logId,
        store,
        relayer: privateKeyToAccount(DEV_KEYS.relayer),
        hash: nodeSha256,
      }),
  )
  const latencies: number[] = []
  for (let epoch = 1; epoch <= EPOCHS + 3; epoch++) {
    size += 100
    const cp = await sequencer.closeNow()
    const t0 = performance.now()
    await Promise.all(
      anchorers.map(async (a) => {
        while (a.status().confirmedEpoch < (cp?.epoch ?? 0)) await a.round()
      }),
    )
    if (epoch > 3) latencies.push(performance.now() - t0) // warm-up: first deployments' caches
  }
  latencies.sort((a, b) => a - b)
  await store.close()
  await fixture.stop()
  const lane = {
    p50: round(quantile(latencies, 0.5)),
    p95: round(quantile(latencies, 0.95)),
    max: round(latencies.at(-1) ?? 0),
    n: latencies.length,
  }
  console.log('epoch → anchored on both chains (ms):', lane)

  // 2 and 3 (1M).
  const oneM = await sequence(join(work, '1m.db'), 1_000_000)
  const sequencePerSec = Math.round(1_000_000 / oneM.seconds)
  console.log(`sequenced 1,000,000 leaves in ${oneM.seconds.toFixed(1)} s: ${sequencePerSec}/s`)
  const at1M = await bundleTimes(oneM.store, 1_000_000)
  await oneM.store.close()
  console.log('bundle at 1M (ms):', at1M)

  // 3 (10M) and 4.
  let largePath = join(work, '1m.db')
  if (LARGE !== 1_000_000) {
    largePath = join(work, 'large.db')
    const large = await sequence(largePath, LARGE)
    console.log(`sequenced ${LARGE} leaves in ${large.seconds.toFixed(1)} s`)
    await large.store.close()
  }
  const child = await new Promise<{ rssMb: number; times: { p50: number; p95: number } }>(
    (resolve, reject) => {
      const c = fork(SELF, ['rss', largePath, String(LARGE)], { execArgv: ['--expose-gc'] })
      c.once('message', (m) => resolve(m as never))
      c.once('error', reject)
      c.once('exit', (code) => code !== 0 && reject(new Error(`rss child exited ${code}`)))
    },
  )
  console.log(`bundle at ${LARGE} (ms):`, child.times, `rss ${child.rssMb} MB`)

  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
    },
    quick,
    epochToAnchoredP50Ms: lane.p50,
    epochToAnchoredP95Ms: lane.p95,
    epochToAnchoredMaxMs: lane.max,
    epochs: lane.n,
    anchoringBudgetMs: 500,
    sequencePerSec,
    sequenceSecondsFor1M: round(oneM.seconds),
    bundleMsAt1M: at1M.p50,
    bundleP95MsAt1M: at1M.p95,
    bundleMsAt10M: child.times.p50,
    bundleP95MsAt10M: child.times.p95,
    largeLeaves: LARGE,
    rssMbAt10M: child.rssMb,
    notes: [
      'Local Hardhat nodes mine on send (automine): confirmation = 1 block; real chains add block time.',
      'Bundles: inclusion proof from stored nodes (SQLite, warm page cache) + bundle assembly; no tree recomputation.',
      'RSS: a fresh process with the large store open, the sequencer resumed and bundles served; MTL bodies stay on disk.',
      ...(quick ? ['--quick: the "10M" figures were measured at 1M leaves.'] : []),
    ],
  }
  const out = join(fileURLToPath(new URL('.', import.meta.url)), 'results')
  mkdirSync(out, { recursive: true })
  // The other figures in this file are bench/audit.ts's and bench/cadence.ts's (runs of their
  // own): kept as they are.
  const path = join(out, 'anchor.json')
  const others = existsSync(path)
    ? Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>).filter(
        ([key]) => !(key in result),
      )
    : []
  writeFileSync(path, `${JSON.stringify({ ...Object.fromEntries(others), ...result }, null, 2)}\n`)
  console.log('wrote bench/results/anchor.json')
} finally {
  rmSync(work, { recursive: true, force: true })
}
