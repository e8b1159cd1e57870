// Audit benchmark (`npm run bench:audit`): adds auditMsPer1MEntries and auditPeakRssMb to
// bench/results/anchor.json (the other figures of that file are bench/anchor.ts's, kept as they
// are).
//
// 1. Generates a `tml export` file (NDJSON) of ENTRIES synthetic but valid entries
//    (bench/syntheticExport.ts, on one worker thread per CPU, a range of 5,000 entries at a time,
//    so that memory stays bounded whatever ENTRIES is): schema-valid mtl/1 records written as
//    their RFC 8785 text, as the gateway exports them (one pause and its timeout resolution in
//    every thousand), their RFC 9162 leaf hashes, P-256 receipts signed with the log's receipt
//    key, and a checkpoint every EPOCH_SIZE entries with the root recomputed and an EIP-712
//    signature by the log's key. Progress goes to stderr.
// 2. Starts both local Hardhat EDR chains with the log declared, and anchors the last checkpoint
//    on both (a chain may skip epochs; the entries are what the audit's cost depends on).
// 3. Runs `tml audit --from FILE` as a child process against the two chains and measures its
//    wall time and peak RSS (VmHWM of /proc/PID/status, the whole process with its threads).
//
//   npm run bench:audit                  (10,000,000 entries: ~15 GB of temporary disk; on 2
//                                         quiet CPUs about 5 min to generate, 10 min to audit)
//   npm run bench:audit -- --quick       (1,000,000 entries, marked as such)
//   npm run bench:audit -- --entries N   (any size, for trials; not written unless --write)
//   npm run bench:audit -- --all-receipts (also times --receipts all on the same file; always
//                                         with --quick)
//   options: --threads N (tml audit's), --compare-threads 1,2,3 (extra runs, printed only), --direct (the command without the CLI's launcher, for
//   comparison, never written), --node-options "…" (the child's NODE_OPTIONS)
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  createWriteStream,
  existsSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { createPublicClient, createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  bytesToHex,
  CompactTree,
  checkpointRegistryAbi,
  type Hex,
  signCheckpoint,
} from '../core/src/index.ts'
import { chainDefinition } from '../gateway/src/anchoring/chainDefinition.ts'
import { EXPORT_VERSION } from '../gateway/src/audit/exportFormat.ts'
import { createReceiptSigner } from '../gateway/src/keys/createReceiptSigner.ts'
import { nodeSha256 } from '../gateway/src/keys/nodeSha256.ts'
import { startChains } from '../gateway/test/e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../gateway/test/e2e/localChains.ts'
import { tempDir } from '../gateway/test/helpers/memory.ts'
import type { SyntheticLog } from './syntheticExport.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const arg = (name: string) => {
  const i = process.argv.indexOf(name)
  return i < 0 ? undefined : process.argv[i + 1]
}
const quick = process.argv.includes('--quick')
const ENTRIES = Number(arg('--entries') ?? (quick ? 1_000_000 : 10_000_000))
const WRITE =
  (arg('--entries') === undefined || process.argv.includes('--write')) &&
  !process.argv.includes('--direct')
const EPOCH_SIZE = 100_000
/** Receipts 10 ms apart: an epoch of 100,000 spans 1,000 s, inside the 3,600 s interval. */
const STEP_MS = 10
const THREADS = arg('--threads')
const DIRECT = process.argv.includes('--direct')
const NODE_OPTIONS = arg('--node-options')

/** Entries per range a generator thread writes at a time (divides EPOCH_SIZE). */
const RANGE = 5_000
/** Generator threads: signing a receipt per entry is most of the file's cost. */
const GENERATORS = Math.max(1, cpus().length)

/**
 * Writes the export file: ranges of entries from worker threads (bench/syntheticExport.ts), in
 * order, at most two per thread in flight (memory stays bounded whatever ENTRIES is); this
 * thread appends their leaves to the tree and writes a signed checkpoint after every epoch.
 */
async function generate(file: string, fixture: Awaited<ReturnType<typeof startChains>>) {
  const logId = fixture.logId
  const signer = createReceiptSigner(Buffer.from(fixture.receiptSeed.slice(2), 'hex'))
  const account = privateKeyToAccount(fixture.checkpointKey)
  const base = Date.now() - ENTRIES * STEP_MS - 120_000
  const log: SyntheticLog = { logId, receiptSeed: fixture.receiptSeed, base, stepMs: STEP_MS }
  const out = createWriteStream(file, { highWaterMark: 1 << 20 })
  const write = async (data: string | Uint8Array) => {
    if (!out.write(data)) await once(out, 'drain')
  }
  await write(
    `${JSON.stringify({
      type: 'header',
      v: EXPORT_VERSION,
      log_id: logId,
      log: { checkpointSigner: account.address, receiptPublicKey: signer.publicKey },
      source: 'bench/audit.ts (synthetic)',
      created: new Date().toISOString(),
    })}\n`,
  )
  type Generated = { bytes: Uint8Array; leaves: Uint8Array }
  const waiting = new Map<number, { resolve: (r: Generated) => void; reject: (e: Error) => void }>()
  const workers = Array.from({ length: GENERATORS }, () => {
    const worker = new Worker(new URL('./syntheticExport.ts', import.meta.url), {
      workerData: { ...log, syntheticExport: true },
    })
    worker.on('message', (r: Generated & { id: number }) => {
      waiting.get(r.id)?.resolve(r)
      waiting.delete(r.id)
    })
    worker.on('error', (error) => {
      for (const w of waiting.values()) w.reject(error)
      waiting.clear()
    })
    return worker
  })
  const ranges = Math.ceil(ENTRIES / RANGE)
  const request = (k: number) =>
    new Promise<Generated>((resolve, reject) => {
      waiting.set(k, { resolve, reject })
      const worker = workers[k % workers.length] as Worker
      worker.postMessage({ id: k, from: k * RANGE, to: Math.min(ENTRIES, (k + 1) * RANGE) })
    })
  const tree = new CompactTree({ hash: nodeSha256 })
  let last: { checkpoint: Record<string, unknown>; signature: Hex } | undefined
  const t0 = performance.now()
  try {
    const queue: Promise<Generated>[] = []
    let next = 0
    while (next < ranges && queue.length < 2 * workers.length) queue.push(request(next++))
    for (let k = 0; k < ranges; k++) {
      const { bytes, leaves } = await (queue.shift() as (typeof queue)[number])
      if (next < ranges) queue.push(request(next++))
      await write(bytes)
      for (let i = 0; i < leaves.length; i += 32) tree.append(leaves.subarray(i, i + 32))
      const end = Math.min(ENTRIES, (k + 1) * RANGE)
      if (end % EPOCH_SIZE === 0 || end === ENTRIES) {
        const checkpoint = {
          logId,
          epoch: Math.ceil(end / EPOCH_SIZE),
          treeSize: end,
          rootHash: bytesToHex(tree.root()),
          timestamp: Math.floor((base + (end - 1) * STEP_MS) / 1000) + 1,
        }
        const signature = await signCheckpoint({
          checkpoint: {
            ...checkpoint,
            epoch: BigInt(checkpoint.epoch),
            treeSize: BigInt(checkpoint.treeSize),
            timestamp: BigInt(checkpoint.timestamp),
          },
          account,
        })
        last = { checkpoint, signature }
        await write(
          `${JSON.stringify({ type: 'checkpoint', checkpoint, signature, anchors: [] })}\n`,
        )
      }
      if (end % 1_000_000 === 0 || end === ENTRIES)
        console.error(
          `generated ${end.toLocaleString('en')} of ${ENTRIES.toLocaleString('en')} entries, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        )
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  out.end()
  await once(out, 'finish')
  return { last: last as NonNullable<typeof last>, seconds: (performance.now() - t0) / 1000 }
}

/** Anchors one checkpoint on a chain whose head for the log is still empty (no proof needed). */
async function anchor(
  chain: Awaited<ReturnType<typeof startChains>>['chains'][number],
  signed: { checkpoint: Record<string, unknown>; signature: Hex },
) {
  const def = chainDefinition({ chainId: chain.chainId, name: chain.name, rpcUrl: chain.nodeUrl })
  const client = createPublicClient({ chain: def, transport: http(chain.nodeUrl) })
  const relayer = privateKeyToAccount(DEV_KEYS.relayer)
  const c = signed.checkpoint as {
    logId: Hex
    epoch: number
    treeSize: number
    rootHash: Hex
    timestamp: number
  }
  const { request } = await client.simulateContract({
    address: chain.registry,
    abi: checkpointRegistryAbi,
    functionName: 'anchor',
    args: [
      {
        logId: c.logId,
        epoch: BigInt(c.epoch),
        treeSize: BigInt(c.treeSize),
        rootHash: c.rootHash,
        timestamp: BigInt(c.timestamp),
      },
      [],
      signed.signature,
    ],
    account: relayer,
  })
  const wallet = createWalletClient({
    chain: def,
    transport: http(chain.nodeUrl),
    account: relayer,
  })
  const hash = await wallet.writeContract(request)
  const receipt = await client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`anchor on ${chain.name} reverted`)
}

/** Runs `tml audit` in a child process; wall time and peak RSS (VmHWM, polled). */
async function runAudit(args: string[]) {
  const t0 = performance.now()
  // --direct: the audit command without the CLI's other commands loaded (what a launcher that
  // imports only the command it runs would cost), for comparison; not written to the results.
  const direct = join(work, 'audit-direct.mjs')
  if (DIRECT)
    writeFileSync(
      direct,
      `const { auditCommand } = await import(${JSON.stringify(join(ROOT, 'gateway', 'src', 'cli', 'auditCommand.ts'))})
const { processIo } = await import(${JSON.stringify(join(ROOT, 'gateway', 'src', 'cli', 'io.ts'))})
process.exitCode = await auditCommand({ argv: process.argv.slice(2), io: processIo })
`,
    )
  const child = spawn(
    process.execPath,
    [...(DIRECT ? [direct] : [join(ROOT, 'gateway', 'bin', 'tml.mjs'), 'audit']), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}) },
    },
  )
  let stdout = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d
  })
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d))
  let peakKb = 0
  let cpuTicks = 0
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      if (m) peakKb = Math.max(peakKb, Number(m[1]))
      // utime and stime (fields 14 and 15, clock ticks) of all the process's threads: with the
      // wall time, how well the checker threads kept the CPUs busy.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      cpuTicks = Number(fields[11]) + Number(fields[12])
    } catch {
      // exited between two polls
    }
  }, 50)
  const [code] = (await once(child, 'exit')) as [number]
  clearInterval(poll)
  // Linux's USER_HZ is 100 on every architecture Node supports.
  return { code, ms: performance.now() - t0, peakMb: peakKb / 1024, cpuS: cpuTicks / 100, stdout }
}

const work = tempDir('tml-bench-audit-')
const fixture = await startChains()
try {
  const file = join(work, 'log.ndjson')
  console.error(`generating ${ENTRIES.toLocaleString('en')} entries into ${file}`)
  const generated = await generate(file, fixture)
  const bytes = statSync(file).size
  console.error(
    `generated in ${generated.seconds.toFixed(0)} s, ${(bytes / 1e9).toFixed(2)} GB; anchoring epoch ${generated.last.checkpoint.epoch}`,
  )
  for (const chain of fixture.chains) await anchor(chain, generated.last)
  const args = [
    '--from',
    file,
    ...fixture.chains.flatMap((c) => [
      '--rpc',
      `${c.chainId}=${c.nodeUrl}`,
      '--registry',
      `${c.chainId}=${c.registry}`,
    ]),
    '--json',
  ]
  // --compare-threads 1,2,3: the same file audited with each thread count first, for the
  // parallel efficiency (CPU seconds over wall seconds); printed, never written.
  for (const t of (arg('--compare-threads') ?? '').split(',').filter(Boolean)) {
    const trial = await runAudit([...args, '--threads', t])
    console.log(
      `threads ${t}: ${(trial.ms / 1000).toFixed(1)} s wall, ${trial.cpuS.toFixed(1)} s CPU (${(trial.cpuS / (trial.ms / 1000)).toFixed(2)} CPUs busy), ${Math.round((trial.ms / ENTRIES) * 1e6)} ms per 1M; load ${(loadavg()[0] as number).toFixed(1)}`,
    )
  }
  const loadBefore = loadavg()[0] as number
  const run = await runAudit([...args, ...(THREADS === undefined ? [] : ['--threads', THREADS])])
  const loadAfter = loadavg()[0] as number
  const report = JSON.parse(run.stdout) as {
    entries: number
    problemCount: number
    problems: unknown[]
  }
  if (run.code !== 0 || report.entries !== ENTRIES || report.problemCount !== 0)
    throw new Error(
      `audit failed (exit ${run.code}): ${JSON.stringify(report.problems).slice(0, 2000)}`,
    )
  // The same file with every receipt signature verified (`--receipts all`), side by side: what
  // the default's sample saves. Run with --quick and with --all-receipts (at 10M entries it takes
  // about as many minutes).
  const all =
    quick || process.argv.includes('--all-receipts')
      ? await runAudit([
          ...args,
          '--receipts',
          'all',
          ...(THREADS === undefined ? [] : ['--threads', THREADS]),
        ])
      : undefined
  if (all) {
    const allReport = JSON.parse(all.stdout) as { problemCount: number }
    if (all.code !== 0 || allReport.problemCount !== 0)
      throw new Error(`audit --receipts all failed (exit ${all.code})`)
    console.log(
      `audit --receipts all: ${(all.ms / 1000).toFixed(1)} s (${all.cpuS.toFixed(1)} s CPU), ${Math.round((all.ms / ENTRIES) * 1e6)} ms per 1M entries`,
    )
  }
  const msPer1M = Math.round((run.ms / ENTRIES) * 1e6)
  const peakMb = Math.round(run.peakMb * 10) / 10
  console.log(
    `audit of ${ENTRIES.toLocaleString('en')} entries: ${(run.ms / 1000).toFixed(1)} s (${run.cpuS.toFixed(1)} s CPU), ${msPer1M} ms per 1M entries (target 60000), peak RSS ${peakMb} MB (target 300); load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cpus().length} CPUs`,
  )
  if (WRITE) {
    const path = join(ROOT, 'bench', 'results', 'anchor.json')
    const result = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
      : {}
    Object.assign(result, {
      auditMsPer1MEntries: msPer1M,
      auditPeakRssMb: peakMb,
      auditCpuSeconds: Math.round(run.cpuS * 10) / 10,
      auditReceiptSignaturesVerified: (report as { receiptSignatures?: { checked: number } })
        .receiptSignatures?.checked,
      ...(all
        ? {
            auditAllReceiptsMsPer1MEntries: Math.round((all.ms / ENTRIES) * 1e6),
            auditAllReceiptsEntries: ENTRIES,
            auditAllReceiptsDate: new Date().toISOString(),
            auditAllReceiptsPeakRssMb: Math.round(all.peakMb * 10) / 10,
          }
        : {}),
      auditEntries: ENTRIES,
      auditFileGb: Math.round(bytes / 1e7) / 100,
      auditDate: new Date().toISOString(),
      auditLoadAverage1m: [Math.round(loadBefore * 10) / 10, Math.round(loadAfter * 10) / 10],
      auditMachine: {
        cpus: cpus().length,
        model: cpus()[0]?.model.trim() ?? 'unknown',
        node: process.version,
      },
      auditNotes: [
        `tml audit --from FILE as a child process on both local chains, ${THREADS ?? 'default'} checker threads; wall time from spawn to exit; peak RSS = VmHWM of the process (all threads).`,
        `Receipt signatures: the default verifies those a finding can rest on (the earliest receipt before each checkpoint) and 1 in 100 of the others at random; auditAllReceipts* is --receipts all (every one), timed right after the default on the same file ${all ? 'in this run' : `in the run of ${String(result.auditAllReceiptsDate ?? 'none')} (${Number(result.auditAllReceiptsEntries ?? 0).toLocaleString('en')} entries), not this one`}.`,
        `Synthetic export: schema-valid mtl/1 records (a pause and its timeout resolution per 1,000), P-256 receipts, a checkpoint per ${EPOCH_SIZE.toLocaleString('en')} entries; only the last epoch anchored (a chain may skip epochs).`,
        ...(quick ? ['--quick: measured at 1,000,000 entries.'] : []),
      ],
    })
    writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`)
    console.log('wrote the audit figures into bench/results/anchor.json')
  }
} finally {
  await fixture.stop()
  rmSync(work, { recursive: true, force: true })
}
