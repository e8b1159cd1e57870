// Anchoring cadence on public chains (`npm run bench:cadence`, issue 17): merges into
// bench/results/anchor.json
// - anchorsPerDayAt1M and gasPerDayAt1M per chain, for the default cadence (loadLaneConfig's
//   defaultCadence) at one million decisions a day, from the `anchor` gas measured by
//   `npm run bench:gas` (bench/results/gas.json, tree size 2^20: about a day at 1M a day);
// - polygonDecisionToAnchorP95S: decision (leaf appended) to anchored and confirmed on the cheap
//   chain under Polygon's default cadence, measured on a local Hardhat chain: the real Sequencer
//   (2 s epochs) and ChainAnchorer (its own round loop) over RUN_S seconds at RATE leaves a second.
//   A local chain mines on send: a real Polygon block (~2 s) and its confirmations come on top.
//
//   npm run bench:cadence               (180 s)
//   npm run bench:cadence -- --quick    (45 s, marked as such)
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { privateKeyToAccount } from 'viem/accounts'
import { bytesToHex } from '../core/src/index.ts'
import { ChainAnchorer } from '../gateway/src/anchoring/ChainAnchorer.ts'
import { defaultCadence } from '../gateway/src/anchoring/loadLaneConfig.ts'
import { SqliteAnchorStore } from '../gateway/src/anchoring/SqliteAnchorStore.ts'
import { nodeSha256 } from '../gateway/src/keys/nodeSha256.ts'
import type { StoredEntry } from '../gateway/src/memory/LogStore.ts'
import { Sequencer } from '../gateway/src/sequencer/Sequencer.ts'
import { chainConfigs, startChains } from '../gateway/test/e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../gateway/test/e2e/localChains.ts'
import { tempDir } from '../gateway/test/helpers/memory.ts'
import { quantile } from './stats.ts'

const quick = process.argv.includes('--quick')
const RUN_S = quick ? 45 : 180
const RATE = 5
const DAY_S = 86_400
/** What a log declares to let Ethereum anchor hourly: twice the cadence (see defaultCadence). */
const MAX_EPOCH_INTERVAL_MS = 7_200_000
const ROOT = fileURLToPath(new URL('..', import.meta.url))

const gas = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'gas.json'), 'utf8')) as {
  anchorGas: number
}
// Time-based cadences anchor once per interval whenever the log grew, which at 1M a day (11.6
// decisions a second) it always has.
const perDay = (chainId: number) => {
  const cadence = defaultCadence(chainId, MAX_EPOCH_INTERVAL_MS)
  if (!cadence) throw new Error(`no default cadence for chain ${chainId}`)
  return Math.floor((DAY_S * 1000) / cadence.intervalMs)
}
const anchorsPerDayAt1M = { ethereum: perDay(1), polygon: perDay(137) }
const gasPerDayAt1M = {
  ethereum: anchorsPerDayAt1M.ethereum * gas.anchorGas,
  polygon: anchorsPerDayAt1M.polygon * gas.anchorGas,
}
console.log('anchors a day at 1M decisions:', anchorsPerDayAt1M, 'gas:', gasPerDayAt1M)

const fixture = await startChains({ maxEpochIntervalS: MAX_EPOCH_INTERVAL_MS / 1000 })
const work = tempDir('tml-bench-cadence-')
const store = SqliteAnchorStore.open({ path: join(work, 'lane.db') })
const appendedAt: number[] = []
const entries = {
  entries: async (from: number, limit: number): Promise<StoredEntry[]> =>
    appendedAt.slice(from, from + limit).map((_, i) => {
      const seq = from + i
      const leafHash = bytesToHex(
        nodeSha256(new Uint8Array([0]), new TextEncoder().encode(`mtl ${seq}`)),
      )
      return { seq, leafHash } as StoredEntry
    }),
}
const sequencer = new Sequencer({
  logId: fixture.logId,
  entries,
  store,
  signer: privateKeyToAccount(fixture.checkpointKey),
  hash: nodeSha256,
})
const polygon = chainConfigs(fixture).find((c) => c.name === 'polygon')
if (!polygon) throw new Error('no local polygon chain')
const cadence = defaultCadence(137, MAX_EPOCH_INTERVAL_MS)
const anchorer = new ChainAnchorer({
  chain: { ...polygon, pollMs: 250, ...(cadence ? { cadence } : {}) },
  logId: fixture.logId,
  store,
  relayer: privateKeyToAccount(DEV_KEYS.relayer),
  hash: nodeSha256,
})
const latencies: number[] = []
let measured = 0
anchorer.onProgress(() => {
  const now = Date.now()
  const { confirmedTreeSize } = anchorer.status()
  for (; measured < confirmedTreeSize; measured++)
    latencies.push(now - (appendedAt[measured] ?? now))
})
anchorer.start()
const ticker = setInterval(() => void sequencer.tick(), 100)
const started = Date.now()
try {
  while (Date.now() - started < RUN_S * 1000) {
    appendedAt.push(Date.now())
    await new Promise((r) => setTimeout(r, 1000 / RATE))
  }
  // The leaves of the last interval: anchored at the next cadence point.
  const last = appendedAt.length
  const deadline = Date.now() + 2 * (cadence?.intervalMs ?? 30_000) + 10_000
  while (measured < last && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250))
  if (measured < last) throw new Error(`only ${measured} of ${last} leaves anchored`)
} finally {
  clearInterval(ticker)
  await anchorer.stop()
  await store.close()
  await fixture.stop()
}
latencies.sort((a, b) => a - b)
const p95S = Math.round(quantile(latencies, 0.95) / 100) / 10
const p50S = Math.round(quantile(latencies, 0.5) / 100) / 10
console.log(
  `decision → anchored on polygon (default cadence ${(cadence?.intervalMs ?? 0) / 1000} s): p50 ${p50S} s, p95 ${p95S} s over ${latencies.length} decisions`,
)

const path = join(ROOT, 'bench', 'results', 'anchor.json')
const result = existsSync(path)
  ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
  : {}
Object.assign(result, {
  anchorsPerDayAt1M,
  gasPerDayAt1M,
  anchorGasUsed: gas.anchorGas,
  polygonDecisionToAnchorP50S: p50S,
  polygonDecisionToAnchorP95S: p95S,
  cadenceDate: new Date().toISOString(),
  cadenceMachine: { cpus: cpus().length, model: cpus()[0]?.model.trim() ?? 'unknown' },
  cadenceNotes: [
    `Default cadences (gateway/src/anchoring/loadLaneConfig.ts) for a log declared with a maximum epoch interval of ${MAX_EPOCH_INTERVAL_MS / 1000} s: Ethereum every ${(defaultCadence(1, MAX_EPOCH_INTERVAL_MS)?.intervalMs ?? 0) / 1000} s, Polygon every ${(cadence?.intervalMs ?? 0) / 1000} s; gas per anchor from bench/results/gas.json (tree size 2^20).`,
    `Latency: ${RUN_S} s at ${RATE} decisions/s on a local Hardhat chain (mines on send, 1 confirmation); the real Sequencer (2 s epochs) and ChainAnchorer with Polygon's default cadence.`,
    ...(quick ? ['--quick: a 45 s run.'] : []),
  ],
})
writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`)
console.log('wrote the cadence figures into bench/results/anchor.json')
process.exit(0)
