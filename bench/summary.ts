// `node bench/summary.ts`: reads bench/results/*.json and writes bench/results/SUMMARY.md, one
// table row per figure: what was measured, its target from the issues, whether the target is met
// (computed here from the numbers, never taken from the result file's own verdicts), and the
// alternative measured in the same run with the ratio between the two.
//
//   node bench/summary.ts [--results DIR] [--failed merkle,gas]
//
// Result files are untrusted input (a run may have been cut short, or the file edited): a
// missing file is listed as "not run", a file that is not a JSON object as unreadable, a figure
// that is absent or not a finite number as missing, and none of it stops the summary.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

/** The benchmarks of the repository, in the order `npm run bench` runs them. */
export const BENCHMARKS = [
  { name: 'merkle', issue: 2, title: 'Merkle log (core)' },
  { name: 'gas', issue: 3, title: 'Registry contracts, gas' },
  { name: 'gateway', issue: 4, title: 'Gateway: decision lane and HTTP API' },
  { name: 'anchor', issue: 5, title: 'Anchoring lane' },
  { name: 'web', issue: 6, title: 'Web page' },
  { name: 'proxy', issue: 15, title: 'OpenAI-compatible proxy' },
  { name: 'ha', issue: 17, title: 'PostgreSQL store and replicas' },
] as const

export type BenchmarkName = (typeof BENCHMARKS)[number]['name']

type Comparison = '<' | '<=' | '>=' | '>'

/** A bound on the figure itself (`value`) or on its ratio to the alternative (`ratio`). */
type Target = { on: 'value' | 'ratio'; is: Comparison; limit: number }

/** One row of the summary. Paths are dotted paths into the benchmark's result file. */
type Figure = {
  bench: BenchmarkName
  figure: string
  path: string
  unit: string
  /** Measured in the same run, in the same unit; the ratio is figure / alternative. */
  alternative?: { label: string; path: string; unit?: string }
  /** When the benchmark takes the ratio itself (per round, then the median), read it here. */
  ratio?: { path: string; note: string }
  targets: readonly Target[]
}

/**
 * Every figure with its target. Targets are those of the issues' Benchmark sections: issue 2
 * (merkle), 3 (gas), 4 (gateway), 5 (anchor), 6 (web); a figure without a target is reported
 * for context.
 */
export const FIGURES: readonly Figure[] = [
  {
    bench: 'merkle',
    figure: 'append + root, core with Node SHA-256',
    path: 'leavesPerSec.core',
    unit: 'leaves/s',
    alternative: { label: 'merkletreejs', path: 'leavesPerSec.merkletreejs' },
    targets: [{ on: 'ratio', is: '>=', limit: 3 }],
  },
  {
    bench: 'merkle',
    figure: 'append + root, core with Node SHA-256',
    path: 'leavesPerSec.core',
    unit: 'leaves/s',
    alternative: { label: 'plain SHA-256 loop (the limit)', path: 'leavesPerSec.sha256Loop' },
    targets: [{ on: 'ratio', is: '>=', limit: 0.8 }],
  },
  {
    bench: 'merkle',
    figure: 'append + root, core with Node SHA-256',
    path: 'leavesPerSec.core',
    unit: 'leaves/s',
    alternative: {
      label: '@openzeppelin/merkle-tree (first 100,000 entries)',
      path: 'leavesPerSec.openzeppelin',
    },
    targets: [],
  },
  {
    bench: 'merkle',
    figure: 'append + root, core + 1 worker (2 threads)',
    path: 'leavesPerSec.coreParallel',
    unit: 'leaves/s',
    alternative: { label: 'plain SHA-256 loop', path: 'leavesPerSec.sha256Loop' },
    targets: [],
  },
  {
    bench: 'merkle',
    figure: 'inclusion proof at 1M leaves, build',
    path: 'proofs.inclusion.buildMicros',
    unit: 'µs',
    targets: [],
  },
  {
    bench: 'merkle',
    figure: 'inclusion proof at 1M leaves, verify (Node SHA-256)',
    path: 'proofs.inclusion.verifyMicros',
    unit: 'µs',
    alternative: {
      label: 'pure-JS SHA-256 (as in a browser)',
      path: 'proofs.inclusion.verifyNobleMicros',
    },
    targets: [],
  },
  {
    bench: 'merkle',
    figure: 'consistency proof at 1M leaves, build',
    path: 'proofs.consistency.buildMicros',
    unit: 'µs',
    targets: [],
  },
  {
    bench: 'merkle',
    figure: 'consistency proof at 1M leaves, verify (Node SHA-256)',
    path: 'proofs.consistency.verifyMicros',
    unit: 'µs',
    targets: [],
  },
  {
    bench: 'merkle',
    figure: 'peak RSS, core with its node store',
    path: 'memory.peakRssBeforeMerkletreejsMiB',
    unit: 'MiB',
    alternative: { label: 'peak RSS with merkletreejs', path: 'memory.peakRssMiB' },
    targets: [],
  },
  {
    bench: 'gas',
    figure: '`anchor` at tree size 2^20, real consistency proof',
    path: 'anchorGas',
    unit: 'gas',
    alternative: { label: 'minimal reference (store a root, emit)', path: 'referenceGas' },
    targets: [
      { on: 'value', is: '<', limit: 95_000 },
      { on: 'ratio', is: '<=', limit: 2 },
    ],
  },
  {
    bench: 'gas',
    figure: 'first `anchor` of a log',
    path: 'firstAnchorGas',
    unit: 'gas',
    alternative: { label: 'minimal reference', path: 'referenceGas' },
    targets: [],
  },
  {
    bench: 'gas',
    figure: '`registerOperator`',
    path: 'registerOperatorGas',
    unit: 'gas',
    targets: [],
  },
  { bench: 'gas', figure: '`declareLog`', path: 'declareLogGas', unit: 'gas', targets: [] },
  {
    bench: 'gas',
    figure: '`grantCertification`',
    path: 'grantCertificationGas',
    unit: 'gas',
    targets: [],
  },
  {
    bench: 'gateway',
    figure: 'decision lane in process (decide … durable append), p99',
    path: 'laneP99Ms',
    unit: 'ms',
    alternative: { label: 'one durable SQLite commit alone, p99', path: 'durableWriteFloorMs.p99' },
    targets: [{ on: 'value', is: '<', limit: 1 }],
  },
  {
    bench: 'gateway',
    figure: 'decision lane in process, p50',
    path: 'laneP50Ms',
    unit: 'ms',
    alternative: { label: 'one durable SQLite commit alone, p50', path: 'durableWriteFloorMs.p50' },
    targets: [],
  },
  {
    bench: 'gateway',
    figure: 'durable decisions over HTTP (median of rounds)',
    path: 'decisionsPerSec',
    unit: 'decisions/s',
    alternative: { label: 'bare Fastify echo route', path: 'bareEchoPerSec', unit: 'requests/s' },
    ratio: { path: 'ratio', note: 'median of per-round ratios' },
    targets: [
      { on: 'value', is: '>=', limit: 5_000 },
      { on: 'ratio', is: '>=', limit: 0.5 },
    ],
  },
  {
    bench: 'gateway',
    figure: 'server CPU per durable decision over HTTP',
    path: 'serverCpuUsPerDecision',
    unit: 'µs',
    alternative: { label: 'per bare echo', path: 'serverCpuUsPerEcho' },
    targets: [],
  },
  {
    bench: 'gateway',
    figure: 'one record in the commit worker: seal (hashes, RFC 8785, P-256 receipt)',
    path: 'costPerRecordUs.sealRecord',
    unit: 'µs',
    targets: [],
  },
  {
    bench: 'gateway',
    figure: 'one record in the commit worker: of the seal, the P-256 receipt signature alone',
    path: 'costPerRecordUs.receiptSign',
    unit: 'µs',
    targets: [],
  },
  {
    bench: 'gateway',
    figure:
      'sealed evidence vault: sealing one record in the commit worker (XChaCha20-Poly1305, one envelope per batch of 16)',
    path: 'sealUs',
    unit: 'µs',
    targets: [{ on: 'value', is: '<=', limit: 15 }],
  },
  {
    bench: 'gateway',
    figure: 'durable decisions/s with the vault on ÷ off (same run)',
    path: 'vaultThroughputRatio',
    unit: 'x',
    targets: [{ on: 'value', is: '>=', limit: 0.85 }],
  },
  {
    bench: 'gateway',
    figure: 'CPU per durable decision (server and load generator), vault off ÷ on (same run)',
    path: 'vault.throughput.cpuRatio',
    unit: 'x',
    targets: [],
  },
  {
    bench: 'gateway',
    figure: 'one record in the commit worker: durable append, 25 rows per commit',
    path: 'costPerRecordUs.durableAppendPerRow',
    unit: 'µs',
    targets: [],
  },
  {
    bench: 'anchor',
    figure: 'epoch close → confirmed on both local chains, p50',
    path: 'epochToAnchoredP50Ms',
    unit: 'ms',
    targets: [{ on: 'value', is: '<', limit: 500 }],
  },
  {
    bench: 'anchor',
    figure: 'epoch close → confirmed on both local chains, p95',
    path: 'epochToAnchoredP95Ms',
    unit: 'ms',
    targets: [{ on: 'value', is: '<', limit: 500 }],
  },
  {
    bench: 'anchor',
    figure: 'sequencing MTLs into the tree (1M, nodes persisted)',
    path: 'sequencePerSec',
    unit: 'MTL/s',
    targets: [],
  },
  {
    bench: 'anchor',
    figure: 'proof bundle at 1M leaves, p50',
    path: 'bundleMsAt1M',
    unit: 'ms',
    targets: [{ on: 'value', is: '<', limit: 5 }],
  },
  {
    bench: 'anchor',
    figure: 'proof bundle at 10M leaves, p50',
    path: 'bundleMsAt10M',
    unit: 'ms',
    targets: [{ on: 'value', is: '<', limit: 5 }],
  },
  {
    bench: 'anchor',
    figure: 'gateway RSS with 10M leaves',
    path: 'rssMbAt10M',
    unit: 'MB',
    targets: [{ on: 'value', is: '<', limit: 250 }],
  },
  {
    bench: 'anchor',
    figure: '`tml audit --from FILE` of a 10M-entry export, per 1M entries',
    path: 'auditMsPer1MEntries',
    unit: 'ms',
    alternative: {
      label: 'every receipt signature verified (`--receipts all`)',
      path: 'auditAllReceiptsMsPer1MEntries',
    },
    targets: [{ on: 'value', is: '<=', limit: 60_000 }],
  },
  {
    bench: 'anchor',
    figure: '`tml audit --from FILE` of a 10M-entry export, peak RSS',
    path: 'auditPeakRssMb',
    unit: 'MB',
    targets: [{ on: 'value', is: '<=', limit: 300 }],
  },
  {
    bench: 'anchor',
    figure: 'Ethereum anchors a day at 1M decisions, default cadence (`npm run bench:cadence`)',
    path: 'anchorsPerDayAt1M.ethereum',
    unit: 'anchors',
    targets: [{ on: 'value', is: '<=', limit: 24 }],
  },
  {
    bench: 'anchor',
    figure: 'Polygon anchors a day at 1M decisions, default cadence',
    path: 'anchorsPerDayAt1M.polygon',
    unit: 'anchors',
    targets: [],
  },
  {
    bench: 'anchor',
    figure: 'Ethereum gas a day at 1M decisions, default cadence',
    path: 'gasPerDayAt1M.ethereum',
    unit: 'gas',
    targets: [],
  },
  {
    bench: 'anchor',
    figure: 'Polygon gas a day at 1M decisions, default cadence',
    path: 'gasPerDayAt1M.polygon',
    unit: 'gas',
    targets: [],
  },
  {
    bench: 'anchor',
    figure: 'decision → anchored on Polygon, default 30 s cadence, local chain (p95)',
    path: 'polygonDecisionToAnchorP95S',
    unit: 's',
    targets: [{ on: 'value', is: '<=', limit: 60 }],
  },
  {
    bench: 'web',
    figure: 'verify a bundle in Chromium, no chain reads (median)',
    path: 'verifyMs',
    unit: 'ms',
    alternative: { label: 'the same code in Node', path: 'verifyMsNode' },
    targets: [{ on: 'value', is: '<', limit: 50 }],
  },
  {
    bench: 'web',
    figure: 'page first load, gzipped',
    path: 'firstLoadGzipKB',
    unit: 'KB',
    targets: [{ on: 'value', is: '<', limit: 350 }],
  },
  {
    bench: 'web',
    figure: 'verify in Chromium with reads of two local chains',
    path: 'fullVerifyWithLocalChainReadsMs',
    unit: 'ms',
    targets: [],
  },
  {
    bench: 'proxy',
    figure: 'added latency p50, proxy minus direct (+1, durable MTL, inline writer)',
    path: 'addedP50Ms',
    unit: 'ms',
    targets: [],
  },
  {
    bench: 'proxy',
    figure: 'added latency p99, proxy minus direct (+1, durable MTL, inline writer)',
    path: 'addedP99Ms',
    unit: 'ms',
    alternative: { label: 'bare pass-through proxy, added p99', path: 'passThroughAddedP99Ms' },
    targets: [{ on: 'value', is: '<=', limit: 2 }],
  },
  {
    bench: 'proxy',
    figure: 'added latency p99 through a gateway with the worker writer (same samples)',
    path: 'workerWriter.addedP99Ms',
    unit: 'ms',
    targets: [],
  },
  {
    bench: 'proxy',
    figure: 'noise floor p99: a direct request minus the direct one beside it',
    path: 'noiseFloorP99Ms',
    unit: 'ms',
    targets: [],
  },
  {
    bench: 'proxy',
    figure: 'streaming: added time to first token p99 (hold all until the decision)',
    path: 'ttftAddedP99Ms',
    unit: 'ms',
    targets: [{ on: 'value', is: '<=', limit: 2 }],
  },
  {
    bench: 'proxy',
    figure: 'proxied chat completions per second (inline writer)',
    path: 'proxyPerSec',
    unit: 'req/s',
    alternative: { label: 'bare pass-through proxy', path: 'passThroughPerSec' },
    ratio: { path: 'ratio', note: 'median of the per-round ratios' },
    targets: [{ on: 'ratio', is: '>=', limit: 0.7 }],
  },
  {
    bench: 'proxy',
    figure: 'proxied chat completions per second, worker writer ÷ pass-through (same rounds)',
    path: 'workerWriter.ratio',
    unit: 'x',
    targets: [],
  },
  {
    bench: 'ha',
    figure: 'durable decisions per second, PostgreSQL store (one replica)',
    path: 'pgPerSec',
    unit: 'decisions/s',
    alternative: { label: 'SQLite store, same run', path: 'sqlitePerSec' },
    ratio: { path: 'ratio', note: 'median of the per-round ratios' },
    targets: [{ on: 'ratio', is: '>=', limit: 0.5 }],
  },
  {
    bench: 'ha',
    figure: 'failover: leader SIGKILL → checkpoint signed by another replica (median)',
    path: 'failoverMs',
    unit: 'ms',
    targets: [{ on: 'value', is: '<=', limit: 5_000 }],
  },
  {
    bench: 'ha',
    figure: 'acknowledged decisions missing from the log after the kills',
    path: 'lostAcked',
    unit: 'decisions',
    targets: [{ on: 'value', is: '<=', limit: 0 }],
  },
  {
    bench: 'ha',
    figure: 'epochs with two checkpoints (database or chains) after the kills',
    path: 'doubleSignedEpochs',
    unit: 'epochs',
    targets: [{ on: 'value', is: '<=', limit: 0 }],
  },
]

/** What the run line of each benchmark shows besides its date: [label, path]. */
const CONTEXT: Record<BenchmarkName, readonly (readonly [string, string])[]> = {
  merkle: [
    ['CPU', 'cpu'],
    ['cores', 'cores'],
    ['Node', 'node'],
    ['load average at start', 'loadAverage.atStart.0'],
    ['entries', 'leaves'],
  ],
  gas: [
    ['solc', 'compiler.solc'],
    ['Hardhat', 'chain.hardhat'],
    ['EDR', 'chain.edr'],
    ['tree size', 'anchor.treeSize'],
  ],
  gateway: [
    ['CPU', 'machine.model'],
    ['cores', 'machine.cpus'],
    ['Node', 'machine.node'],
    ['load average before', 'machine.loadAverageBefore'],
    ['HTTP rounds', 'httpConfig.rounds'],
    ['best-round ratio to the echo route', 'ratioBestRound'],
  ],
  anchor: [
    ['CPU', 'machine.model'],
    ['cores', 'machine.cpus'],
    ['Node', 'machine.node'],
    ['epochs', 'epochs'],
    ['leaves of the "10M" figures', 'largeLeaves'],
  ],
  web: [
    ['CPU', 'cpu'],
    ['cores', 'cores'],
    ['Node', 'node'],
    ['Chromium', 'chromium'],
    ['load average at start', 'loadAverage.atStart.0'],
    ['runs', 'runs'],
  ],
  proxy: [
    ['CPU', 'machine.model'],
    ['cores', 'machine.cpus'],
    ['Node', 'machine.node'],
    ['load average before', 'machine.loadAverageBefore'],
    ['samples', 'config.samples'],
  ],
  ha: [
    ['CPU', 'machine.model'],
    ['cores', 'machine.cpus'],
    ['Node', 'machine.node'],
    ['load average before', 'machine.loadAverageBefore'],
    ['leader kills', 'failover.kills'],
  ],
}

/** A benchmark's result file as found on disk. */
export type LoadedResult =
  | { status: 'ok'; data: Record<string, unknown> }
  | { status: 'not run' }
  | { status: 'unreadable'; reason: string }

export type Results = Record<BenchmarkName, LoadedResult>

/** Reads `<dir>/<name>.json` for every benchmark; never throws for a bad or missing file. */
export function loadResults(dir: string): Results {
  const entries = BENCHMARKS.map(({ name }) => [name, loadResult(join(dir, `${name}.json`))])
  return Object.fromEntries(entries) as Results
}

function loadResult(file: string): LoadedResult {
  if (!existsSync(file)) return { status: 'not run' }
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    return { status: 'unreadable', reason: `not JSON (${(error as Error).message})` }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { status: 'unreadable', reason: 'not a JSON object' }
  }
  return { status: 'ok', data: data as Record<string, unknown> }
}

/** The value at a dotted path (`a.b.0`), or undefined when any step is missing. */
function at(data: unknown, path: string): unknown {
  let here = data
  for (const key of path.split('.')) {
    if (typeof here !== 'object' || here === null || !Object.hasOwn(here, key)) return undefined
    here = (here as Record<string, unknown>)[key]
  }
  return here
}

type Reading = { ok: true; value: number } | { ok: false; problem: string }

function readNumber(data: unknown, path: string): Reading {
  const value = at(data, path)
  if (value === undefined) return { ok: false, problem: `missing \`${path}\`` }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, problem: `\`${path}\` is not a number` }
  }
  return { ok: true, value }
}

/** Whether a figure meets every one of its targets; `unknown` when a needed number is missing. */
export type Verdict = 'met' | 'not met' | 'unknown' | 'no target'

/** One computed row, before it is written as Markdown. */
export type Row = {
  bench: BenchmarkName
  figure: string
  measured: Reading
  unit: string
  alternative?: { label: string; measured: Reading; unit: string }
  ratio?: Reading & { note?: string }
  targets: readonly Target[]
  verdict: Verdict
}

function compare(x: number, is: Comparison, limit: number): boolean {
  if (is === '<') return x < limit
  if (is === '<=') return x <= limit
  if (is === '>=') return x >= limit
  return x > limit
}

/** Computes the rows of every benchmark whose results were read. */
export function computeRows(results: Results): Row[] {
  const rows: Row[] = []
  for (const f of FIGURES) {
    const result = results[f.bench]
    if (result.status !== 'ok') continue
    const measured = readNumber(result.data, f.path)
    const alternative = f.alternative
      ? {
          label: f.alternative.label,
          measured: readNumber(result.data, f.alternative.path),
          unit: f.alternative.unit ?? f.unit,
        }
      : undefined
    let ratio: Row['ratio']
    if (f.ratio) ratio = { ...readNumber(result.data, f.ratio.path), note: f.ratio.note }
    else if (alternative) {
      ratio =
        measured.ok && alternative.measured.ok && alternative.measured.value !== 0
          ? { ok: true, value: measured.value / alternative.measured.value }
          : { ok: false, problem: 'no ratio' }
    }
    const checks = f.targets.map((t) => {
      const subject = t.on === 'value' ? measured : ratio
      return subject?.ok ? compare(subject.value, t.is, t.limit) : undefined
    })
    const verdict: Verdict =
      checks.length === 0
        ? 'no target'
        : checks.includes(false)
          ? 'not met'
          : checks.includes(undefined)
            ? 'unknown'
            : 'met'
    rows.push({
      bench: f.bench,
      figure: f.figure,
      measured,
      unit: f.unit,
      ...(alternative ? { alternative } : {}),
      ...(ratio ? { ratio } : {}),
      targets: f.targets,
      verdict,
    })
  }
  return rows
}

/** 851740 → "851,740"; 0.341 → "0.341"; 12.55 → "12.55"; 193.7 → "193.7". */
export function formatNumber(x: number): string {
  const abs = Math.abs(x)
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3
  return x.toLocaleString('en-US', { maximumFractionDigits: digits })
}

/** Three significant digits: 7.50x, 0.857x, 1.92x. */
export function formatRatio(x: number): string {
  return `${x >= 1000 ? Math.round(x) : Number(x.toPrecision(3))}x`
}

const SYMBOL: Record<Comparison, string> = { '<': '<', '<=': '≤', '>=': '≥', '>': '>' }

function describeTarget(t: Target, unit: string): string {
  return t.on === 'value'
    ? `${SYMBOL[t.is]} ${formatNumber(t.limit)} ${unit}`
    : `ratio ${SYMBOL[t.is]} ${formatRatio(t.limit)}`
}

/** Text from a result file made safe for one Markdown table cell or line. */
function plain(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return (text ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[|`<>]/g, ' ')
    .slice(0, 80)
}

const VERDICT_CELL: Record<Verdict, string> = {
  met: 'yes',
  'not met': '**no**',
  unknown: 'unknown',
  'no target': '',
}

function renderRow(row: Row): string {
  const measured = row.measured.ok
    ? `${formatNumber(row.measured.value)} ${row.unit}`
    : row.measured.problem
  const alternative = row.alternative
    ? row.alternative.measured.ok
      ? `${row.alternative.label}: ${formatNumber(row.alternative.measured.value)} ${row.alternative.unit}`
      : `${row.alternative.label}: ${row.alternative.measured.problem}`
    : ''
  const ratio = row.ratio?.ok
    ? `${formatRatio(row.ratio.value)}${row.ratio.note ? ` (${row.ratio.note})` : ''}`
    : ''
  const target = row.targets.map((t) => describeTarget(t, row.unit)).join(' and ')
  return `| ${row.bench} | ${row.figure} | ${measured} | ${target} | ${VERDICT_CELL[row.verdict]} | ${alternative} | ${ratio} |`
}

function runLine(name: BenchmarkName, data: Record<string, unknown>): string {
  const date = data.date ?? data.measuredAt
  const parts = CONTEXT[name]
    .map(([label, path]) => [label, at(data, path)] as const)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(
      ([label, value]) =>
        `${label} ${typeof value === 'number' ? formatNumber(value) : plain(value)}`,
    )
  if (data.quick === true) parts.push('**quick run: smaller sizes than the targets name**')
  return `${date === undefined ? 'date not recorded' : plain(date)}${parts.length ? `; ${parts.join(', ')}` : ''}`
}

/** The whole SUMMARY.md. `failed` names benchmarks whose latest run failed (their files are older). */
export function renderSummary(results: Results, failed: readonly string[] = []): string {
  const rows = computeRows(results)
  const withTarget = rows.filter((r) => r.verdict !== 'no target')
  const count = (v: Verdict) => withTarget.filter((r) => r.verdict === v).length
  const notRun = BENCHMARKS.filter((b) => results[b.name].status === 'not run')
  const lines = [
    '# Benchmark summary',
    '',
    'Generated by `node bench/summary.ts` (the last step of `npm run bench`) from',
    '`bench/results/*.json`: do not edit by hand. Targets come from the Benchmark sections of',
    'issues 2 to 6; "met" is computed from the measured numbers. The alternative of a row was',
    'measured in the same run; the ratio is the figure divided by it. Methods: `bench/README.md`',
    'and the comment at the top of each `bench/*.ts`.',
    '',
    `Targets met: ${count('met')} of ${withTarget.length}` +
      (count('not met') ? `; **not met: ${count('not met')}**` : '') +
      (count('unknown') ? `; unknown (figure missing): ${count('unknown')}` : '') +
      (notRun.length ? `; not run: ${notRun.map((b) => b.name).join(', ')}` : '') +
      '.',
    '',
    '| benchmark | figure | measured | target | met | alternative (same run) | ratio |',
    '| --- | --- | ---: | --- | --- | --- | ---: |',
    ...rows.map(renderRow),
    '',
    '## Runs',
    '',
  ]
  for (const b of BENCHMARKS) {
    const result = results[b.name]
    const head = `- **${b.name}** (${b.title}, issue ${b.issue}, \`npm run bench:${b.name}\`):`
    const stale = failed.includes(b.name)
      ? ' **its latest run failed; the figures above are from the run before.**'
      : ''
    if (result.status === 'not run') lines.push(`${head} not run (no \`${b.name}.json\`).${stale}`)
    else if (result.status === 'unreadable') {
      lines.push(`${head} unreadable: \`${b.name}.json\` is ${plain(result.reason)}.${stale}`)
    } else lines.push(`${head} ${runLine(b.name, result.data)}.${stale}`)
  }
  lines.push('')
  return lines.join('\n')
}

/** Reads `dir`, writes `dir/SUMMARY.md` (through a temporary file: never half written). */
export function writeSummary(dir: string, failed: readonly string[] = []): string {
  const out = join(dir, 'SUMMARY.md')
  const temporary = `${out}.tmp`
  writeFileSync(temporary, renderSummary(loadResults(dir), failed))
  renameSync(temporary, out)
  return out
}

const USAGE = `Usage: node bench/summary.ts [--results DIR] [--failed NAME,...]

Writes DIR/SUMMARY.md (default bench/results) from the result files in DIR.
--failed names benchmarks whose latest run failed, so that their rows are marked as older.`

if (import.meta.main) {
  let values: { results: string; failed: string; help: boolean }
  try {
    values = parseArgs({
      options: {
        results: { type: 'string', default: join(import.meta.dirname, 'results') },
        failed: { type: 'string', default: '' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    console.error(`bench/summary: ${(error as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (values.help) console.log(USAGE)
  else {
    const failed = values.failed.split(',').filter((name) => name !== '')
    const unknown = failed.filter((name) => !BENCHMARKS.some((b) => b.name === name))
    if (unknown.length) {
      console.error(
        `bench/summary: --failed: unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`,
      )
      process.exit(2)
    }
    if (!existsSync(values.results)) {
      console.error(`bench/summary: --results: no directory ${values.results}`)
      process.exit(2)
    }
    try {
      console.log(`bench: wrote ${writeSummary(values.results, failed)}`)
    } catch (error) {
      console.error(`bench/summary: could not write the summary: ${(error as Error).message}`)
      process.exit(1)
    }
  }
}
