import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Hex, isHex } from '@tml/core'
import type { Finding } from '../monitor/Finding.ts'
import { GatewayClient } from '../monitor/gatewayClient.ts'
import { Monitor, type WatchedLog } from '../monitor/Monitor.ts'
import { MonitorError } from '../monitor/MonitorError.ts'
import { MonitorMetrics } from '../monitor/MonitorMetrics.ts'
import { connectChains, pinRegistries } from '../monitor/PinnedChain.ts'
import { postWebhook } from '../monitor/postWebhook.ts'
import { jsonWithBigInts, readReceiptFile } from '../monitor/readReceiptFile.ts'
import { readReporterKey } from '../monitor/readReporterKey.ts'
import type { CliIo } from './io.ts'
import { parsePairs } from './verifyCommand.ts'

export const MONITOR_HELP = `Usage: tml monitor --log LOGID[=GATEWAY_URL] --rpc CHAINID=URL ... (--deployments DIR | --registry CHAINID=ADDR ...) [options]

Watches logs for forks, as a Certificate Transparency monitor does. Each round it reads, for
every log, each chain's anchored checkpoints (CheckpointAnchored events, with the signature from
the anchoring call, and head) and each gateway's signed checkpoints
(/v1/logs/LOGID/checkpoints) and C2SP note (/checkpoint). It checks that a gateway's checkpoints
are signed by the key the chains' history gives their epoch; that one epoch has one checkpoint,
one tree size one root, and a later epoch no smaller tree; that each tree extends the next
smaller one (the gateway's consistency proof, verified); that the note agrees with the
checkpoint of its size; and that no gateway withholds an epoch a chain holds. When two signed
checkpoints contradict each other, it submits the proof to every chain (reportEquivocation,
reportOutOfPeriod), which marks the log compromised and darkens its operator's Lantern. Given
receipts (--receipt), it holds the log to them and submits reportBrokenPromise when a chain
holds the evidence (see tml receipt check). Given --mirror-dir and an auditor's API key, it
keeps each log's leaf hashes, as CT monitors do: it follows the largest tree no finding
contradicts, appending its new entries' leaf hashes once they reproduce its signed root (a
gateway whose entries give another root is a finding); and when a tree is not a prefix of a
larger one (no valid consistency proof) it finds a leaf the two trees hold differently and
submits reportInconsistency with that leaf proven in each tree. Without a mirror such a
finding is reported with its evidence only.

Each finding is printed (one line, or one JSON object per line with --json), POSTed as JSON to
the webhook, and counted in the Prometheus metrics.

Options:
  --log LOGID[=URL]        A log to watch, and a gateway that publishes it (repeatable; repeat
                           the log with other URLs for mirrors; no URL: the chains only).
  --rpc CHAINID=URL        JSON-RPC endpoint of a chain (repeatable). Every pinned chain needs one.
  --deployments DIR        Trust the CheckpointRegistry of each deployments/<network>.json in DIR.
  --registry CHAINID=ADDR  Trust this CheckpointRegistry on that chain (repeatable; wins over DIR).
  --key-file FILE          Private key (0x hex, mode 0600) of the account that pays for reports;
                           or set TML_REPORTER_KEY. Without either, findings are not proven on chain.
  --receipt FILE           A receipt (or a decision answer holding one) to hold the log to (repeatable).
  --mirror-dir DIR         Keep each log's leaf hashes in DIR/<logId>.leaves (32 bytes a leaf,
                           append-only; kept across runs). Needs an API key. Memory stays at one
                           page of entries; a proof reads the leaf files and fetches the newer
                           tree's entries once, into a file beside the mirror.
  --api-key KEY            An API key of the gateways (an auditor's), for their entries route
                           (/v1/logs/LOGID/entries); or set TML_API_KEY. Used with --mirror-dir.
  --webhook URL            POST each finding as JSON to URL.
  --evidence-dir DIR       Write each fork's evidence (tml-fork-evidence/1: the two signed
                           checkpoints, or the two trees and the failing consistency proof) to
                           a file in DIR, named in the finding; anyone can check it offline
                           (core's verifyForkEvidence). Findings carry it in --json and webhooks.
  --metrics-port PORT      Serve Prometheus metrics on 127.0.0.1:PORT/metrics.
  --interval-ms MS         Time between rounds (default 5000).
  --from-block N           First block to read anchors from, on every chain (default: each
                           registry's deployment block, from --deployments; else 0). Searches
                           never start before a registry's deployment block.
  --once                   One round, then exit: 0 nothing found, 1 findings, 3 a source
                           could not be read. Without it the monitor runs until SIGINT/SIGTERM
                           and exits 1 if it found anything.
  --json                   Findings as NDJSON on stdout (messages go to stderr).
  -h, --help               Show this help.
`

/**
 * `tml monitor`: watches logs on the pinned chains and their gateways, proves contradictions on
 * chain and reports each finding (stdout, webhook, metrics). `signal` stops a running monitor
 * (the CLI wires SIGINT and SIGTERM to it).
 *
 * @example
 * process.exitCode = await monitorCommand({ argv: ['--log', `${logId}=http://127.0.0.1:8787`, '--rpc', '31337=http://127.0.0.1:8545', '--deployments', 'deployments', '--once'], io })
 */
export async function monitorCommand({
  argv,
  io,
  signal,
}: {
  argv: string[]
  io: CliIo
  signal?: AbortSignal
}): Promise<number> {
  let parsed: ReturnType<typeof parse>
  let logs: WatchedLog[]
  let intervalMs: number
  let metricsPort: number | undefined
  let fromBlock: bigint
  let mirror: { dir: string; apiKey: string } | undefined
  try {
    parsed = parse(argv)
    if (parsed.values.help) {
      io.out(MONITOR_HELP)
      return 0
    }
    if (parsed.positionals.length > 0)
      throw new MonitorError(`unexpected argument "${parsed.positionals[0]}"`)
    intervalMs = integer(parsed.values['interval-ms'] ?? '5000', '--interval-ms', 1)
    metricsPort =
      parsed.values['metrics-port'] === undefined
        ? undefined
        : integer(parsed.values['metrics-port'], '--metrics-port', 0, 65535)
    fromBlock = BigInt(integer(parsed.values['from-block'] ?? '0', '--from-block', 0))
    if (parsed.values.webhook !== undefined && !/^https?:\/\//.test(parsed.values.webhook))
      throw new MonitorError('--webhook must be an http(s) URL')
    mirror = mirrorOption(parsed.values['mirror-dir'], parsed.values['api-key'], io.env)
    logs = watchedLogs(parsed.values.log ?? [], parsed.values.receipt ?? [])
    if (logs.length === 0)
      throw new MonitorError('name at least one --log LOGID[=URL] or --receipt')
  } catch (error) {
    io.err(`tml monitor: ${(error as Error).message}\n\n${MONITOR_HELP}`)
    return 2
  }
  const json = parsed.values.json === true
  const webhook = parsed.values.webhook
  const metrics = new MonitorMetrics()
  let chains: Awaited<ReturnType<typeof connectChains>>
  try {
    const reporter = readReporterKey({ keyFile: parsed.values['key-file'], env: io.env })
    const registries = pinRegistries({
      deployments: parsed.values.deployments,
      registry: parsed.values.registry,
    })
    chains = await connectChains({
      rpc: parsePairs(parsed.values.rpc, '--rpc'),
      registries,
      reporter,
      fromBlock,
    })
    io.err(
      `tml monitor: ${logs.length} log(s) on chain(s) ${chains.map((c) => `${c.chainId} (registry ${c.registry})`).join(', ')}; ${
        reporter
          ? `reports are sent from ${reporter.address}`
          : 'no reporter key (--key-file, TML_REPORTER_KEY): findings are not proven on chain'
      }\n`,
    )
  } catch (error) {
    io.err(`tml monitor: ${(error as Error).message}\n`)
    return error instanceof MonitorError && /no registries|--rpc|--registry/.test(error.message)
      ? 2
      : 1
  }
  let server: Server | undefined
  if (metricsPort !== undefined) {
    try {
      server = await metrics.listen(metricsPort)
      const address = server.address()
      io.err(
        `tml monitor: metrics on http://127.0.0.1:${typeof address === 'object' && address ? address.port : metricsPort}/metrics\n`,
      )
    } catch (error) {
      io.err(
        `tml monitor: cannot serve metrics on port ${metricsPort}: ${(error as Error).message}\n`,
      )
      return 1
    }
  }
  const evidenceDir = parsed.values['evidence-dir']
  const report = async (finding: Finding) => {
    if (finding.evidence !== undefined && evidenceDir !== undefined) {
      try {
        finding.evidenceFile = writeEvidence(evidenceDir, finding)
      } catch (error) {
        io.err(`tml monitor: evidence not written: ${(error as Error).message}\n`)
      }
    }
    io.out(json ? `${jsonWithBigInts({ type: 'finding', ...finding })}\n` : findingText(finding))
    if (webhook === undefined) return
    const failed = await postWebhook(webhook, finding)
    if (failed !== undefined) io.err(`tml monitor: ${failed}\n`)
  }
  let monitor: Monitor
  try {
    monitor = new Monitor({
      chains,
      logs,
      metrics,
      fromBlock,
      ...(mirror === undefined ? {} : { mirror }),
      onFinding: report,
      onNotice: (line) => io.err(`tml monitor: ${line}\n`),
    })
  } catch (error) {
    io.err(`tml monitor: cannot open the mirror in ${mirror?.dir}: ${(error as Error).message}\n`)
    server?.closeAllConnections()
    server?.close()
    return 1
  }
  if (mirror !== undefined)
    io.err(`tml monitor: mirroring the logs' leaf hashes in ${mirror.dir}\n`)
  let found = 0
  try {
    if (parsed.values.once) {
      const errorsBefore = metrics.roundErrors
      found = (await monitor.round()).length
      if (found > 0) return 1
      return metrics.roundErrors > errorsBefore ? 3 : 0
    }
    const stop = signal ?? processSignal()
    while (!stop.aborted) {
      found += (await monitor.round()).length
      await sleep(intervalMs, stop)
    }
    return found > 0 ? 1 : 0
  } finally {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  }
}

/**
 * Writes a finding's fork evidence to DIR (created if missing) as
 * `fork-<log id prefix>-<kind>-e<epochs>-<content hash prefix>.json`; returns the path.
 */
function writeEvidence(dir: string, finding: Finding): string {
  const text = `${JSON.stringify(finding.evidence, null, 2)}\n`
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12)
  mkdirSync(dir, { recursive: true })
  const file = join(
    dir,
    `fork-${finding.logId.slice(2, 10)}-${finding.kind}-e${finding.epochs.join('-')}-${hash}.json`,
  )
  writeFileSync(file, text)
  return file
}

/** One finding as text: a line, then one line per chain's report. */
export function findingText(finding: Finding): string {
  const head = `FINDING ${finding.kind} log ${finding.logId}${finding.epochs.length ? ` epoch ${finding.epochs.join(',')}` : ''}: ${finding.message}\n`
  return (
    head +
    finding.reports
      .map(
        (r) =>
          `  chain ${r.chainId}: ${r.status}${r.txHash ? ` tx ${r.txHash}` : ''}${r.blockNumber ? ` block ${r.blockNumber}` : ''}${r.reason ? ` (${r.reason})` : ''}\n`,
      )
      .join('') +
    (finding.evidenceFile ? `  evidence: ${finding.evidenceFile}\n` : '')
  )
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      log: { type: 'string', multiple: true },
      rpc: { type: 'string', multiple: true },
      registry: { type: 'string', multiple: true },
      deployments: { type: 'string' },
      'key-file': { type: 'string' },
      receipt: { type: 'string', multiple: true },
      webhook: { type: 'string' },
      'evidence-dir': { type: 'string' },
      'mirror-dir': { type: 'string' },
      'api-key': { type: 'string' },
      'metrics-port': { type: 'string' },
      'interval-ms': { type: 'string' },
      'from-block': { type: 'string' },
      once: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  })
}

/** `--mirror-dir` with its key (`--api-key`, else TML_API_KEY); a key alone is an error. */
function mirrorOption(
  dir: string | undefined,
  apiKey: string | undefined,
  env: Record<string, string | undefined>,
): { dir: string; apiKey: string } | undefined {
  if (dir === undefined) {
    if (apiKey !== undefined)
      throw new MonitorError('--api-key is for the entries the mirror reads: add --mirror-dir DIR')
    return undefined
  }
  const key = apiKey ?? env.TML_API_KEY
  if (key === undefined || key === '')
    throw new MonitorError(
      '--mirror-dir needs an API key of the gateways for their entries: --api-key KEY or TML_API_KEY',
    )
  return { dir, apiKey: key }
}

/** `--log LOGID[=URL]` and `--receipt FILE` values, grouped by log. */
function watchedLogs(values: readonly string[], receiptFiles: readonly string[]): WatchedLog[] {
  const logs = new Map<string, WatchedLog>()
  const logOf = (logId: Hex) => {
    const key = logId.toLowerCase()
    let log = logs.get(key)
    if (!log) {
      log = { logId, gateways: [], receipts: [] }
      logs.set(key, log)
    }
    return log
  }
  for (const value of values) {
    const i = value.indexOf('=')
    const logId = i < 0 ? value : value.slice(0, i)
    if (!isHex(logId, 32))
      throw new MonitorError(`--log ${value}: the log id is not 32 bytes of 0x hex`)
    const log = logOf(logId as Hex)
    if (i >= 0) log.gateways.push(new GatewayClient(value.slice(i + 1)))
  }
  for (const file of receiptFiles) {
    const receipt = readReceiptFile(file)
    logOf(receipt.logId).receipts?.push({ receipt, source: `receipt:${file}` })
  }
  return [...logs.values()]
}

function integer(value: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new MonitorError(`${what} must be an integer from ${min} to ${max}, got "${value}"`)
  return n
}

/** Aborted on the first SIGINT or SIGTERM. */
function processSignal(): AbortSignal {
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return controller.signal
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}
