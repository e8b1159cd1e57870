// Audit benchmark (`npm run bench:audit`): adds auditMsPer1MEntries and auditPeakRssMb to
// bench/results/anchor.json (the other figures of that file are bench/anchor.ts's, kept as they
// are).
//
// 1. Generates a `tml export` file (NDJSON) of ENTRIES synthetic but valid entries: schema-valid
//    mtl/1 records (one pause and its timeout resolution in every thousand), their RFC 9162 leaf
//    hashes, P-256 receipts signed with the log's receipt key, and a checkpoint every
//    EPOCH_SIZE entries with the root recomputed and an EIP-712 signature by the log's key.
// 2. Starts both local Hardhat EDR chains with the log declared, and anchors the last checkpoint
//    on both (a chain may skip epochs; the entries are what the audit's cost depends on).
// 3. Runs `tml audit --from FILE` as a child process against the two chains and measures its
//    wall time and peak RSS (VmHWM of /proc/PID/status, the whole process with its threads).
//
//   npm run bench:audit                  (10,000,000 entries: ~11 GB of temporary disk)
//   npm run bench:audit -- --quick       (1,000,000 entries, marked as such)
//   npm run bench:audit -- --entries N   (any size, for trials; not written unless --write)
//   options: --threads N (tml audit's), --direct (the command without the CLI's launcher, for
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
import { createPublicClient, createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  bytesToHex,
  CompactTree,
  canonicalBytes,
  checkpointRegistryAbi,
  type Hex,
  hashLeaf,
  RECEIPT_VERSION,
  signCheckpoint,
  validateMtl,
} from '../core/src/index.ts'
import { chainDefinition } from '../gateway/src/anchoring/chainDefinition.ts'
import { EXPORT_VERSION } from '../gateway/src/audit/exportFormat.ts'
import { createReceiptSigner } from '../gateway/src/keys/createReceiptSigner.ts'
import { nodeSha256 } from '../gateway/src/keys/nodeSha256.ts'
import { startChains } from '../gateway/test/e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../gateway/test/e2e/localChains.ts'
import { tempDir } from '../gateway/test/helpers/memory.ts'

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

const hex32 = (n: number, salt: number) =>
  `0x${n.toString(16).padStart(16, '0')}${salt.toString(16).padStart(8, '0')}${'5e'.repeat(20)}` as Hex
const uuid = (seq: number) => `00000000-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`

/** A decision, a pause, or the timeout resolution of the pause just before it. */
function mtlOf(logId: Hex, seq: number, base: number, pauseLeaf: Hex | undefined) {
  const common = {
    v: 'mtl/1',
    log_id: logId,
    seq,
    trace_id: uuid(seq),
    timestamp: new Date(base + seq * STEP_MS).toISOString(),
    metrics: { confidence: 0.97, harm_score: 0.02, entropy: 0.113 },
    policy_hash: hex32(1, 7),
    model: { id: 'model-a', version_hash: hex32(2, 7) },
    input_hash: hex32(seq, 1),
    subject: `psn:${hex32(seq, 2).slice(2)}`,
    causal_graph: [
      { id: 'input', kind: 'input', inputs: [] },
      { id: 'score', kind: 'metric', inputs: ['input'] },
      { id: 'rule', kind: 'rule', inputs: ['score'] },
    ],
  }
  if (seq % 1000 === 500)
    return {
      ...common,
      kind: 'decision',
      state: 0,
      trigger_type: 'AMBIGUITY',
      trigger_detail: 'confidence 0.55 below 0.9',
      output_hash: null,
    }
  if (seq % 1000 === 501 && pauseLeaf)
    return {
      ...common,
      kind: 'resolution',
      state: -1,
      trigger_type: 'AMBIGUITY',
      trigger_detail: 'confidence 0.55 below 0.9',
      output_hash: null,
      resolution: {
        decision: -1,
        arbiter: { kind: 'timeout', id: 'gateway' },
        rationale_hash: hex32(3, 7),
        pause_leaf_hash: pauseLeaf,
        signature: null,
      },
      refers_to: uuid(seq - 1),
    }
  return {
    ...common,
    kind: 'decision',
    state: 1,
    trigger_type: 'NONE',
    trigger_detail: 'no trigger fired',
    output_hash: hex32(seq, 3),
  }
}

async function generate(file: string, fixture: Awaited<ReturnType<typeof startChains>>) {
  const logId = fixture.logId
  const signer = createReceiptSigner(Buffer.from(fixture.receiptSeed.slice(2), 'hex'))
  const account = privateKeyToAccount(fixture.checkpointKey)
  const base = Date.now() - ENTRIES * STEP_MS - 120_000
  const out = createWriteStream(file, { highWaterMark: 1 << 20 })
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain')
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
  const tree = new CompactTree({ hash: nodeSha256 })
  let pauseLeaf: Hex | undefined
  let last: { checkpoint: Record<string, unknown>; signature: Hex } | undefined
  const t0 = performance.now()
  let chunk = ''
  for (let seq = 0; seq < ENTRIES; seq++) {
    const mtl = mtlOf(logId, seq, base, pauseLeaf)
    if (seq < 3 || seq % 1000 === 501) {
      const v = validateMtl(mtl)
      if (!v.valid) throw new Error(`synthetic MTL ${seq} invalid: ${JSON.stringify(v.issues)}`)
    }
    const leaf = hashLeaf(canonicalBytes(mtl), nodeSha256)
    const leafHash = bytesToHex(leaf)
    if (seq % 1000 === 500) pauseLeaf = leafHash
    tree.append(leaf)
    const receipt = signer.sign({
      v: RECEIPT_VERSION,
      logId,
      traceId: mtl.trace_id,
      seq,
      leafHash,
      timestamp: mtl.timestamp,
    })
    chunk += `{"type":"entry","seq":${seq},"trace_id":"${mtl.trace_id}","leaf_hash":"${leafHash}","mtl":${JSON.stringify(mtl)},"receipt":${JSON.stringify(receipt)}}\n`
    if ((seq + 1) % EPOCH_SIZE === 0 || seq + 1 === ENTRIES) {
      const checkpoint = {
        logId,
        epoch: Math.ceil((seq + 1) / EPOCH_SIZE),
        treeSize: seq + 1,
        rootHash: bytesToHex(tree.root()),
        timestamp: Math.floor((base + seq * STEP_MS) / 1000) + 1,
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
      chunk += `${JSON.stringify({ type: 'checkpoint', checkpoint, signature, anchors: [] })}\n`
    }
    if (chunk.length > 1 << 20) {
      await write(chunk)
      chunk = ''
    }
    if ((seq + 1) % 1_000_000 === 0)
      console.log(
        `generated ${(seq + 1).toLocaleString('en')} entries, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      )
  }
  await write(chunk)
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
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      if (m) peakKb = Math.max(peakKb, Number(m[1]))
    } catch {
      // exited between two polls
    }
  }, 50)
  const [code] = (await once(child, 'exit')) as [number]
  clearInterval(poll)
  return { code, ms: performance.now() - t0, peakMb: peakKb / 1024, stdout }
}

const work = tempDir('tml-bench-audit-')
const fixture = await startChains()
try {
  const file = join(work, 'log.ndjson')
  console.log(`generating ${ENTRIES.toLocaleString('en')} entries into ${file}`)
  const generated = await generate(file, fixture)
  const bytes = statSync(file).size
  console.log(
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
    ...(THREADS === undefined ? [] : ['--threads', THREADS]),
  ]
  const loadBefore = loadavg()[0] as number
  const run = await runAudit(args)
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
  const msPer1M = Math.round((run.ms / ENTRIES) * 1e6)
  const peakMb = Math.round(run.peakMb * 10) / 10
  console.log(
    `audit of ${ENTRIES.toLocaleString('en')} entries: ${(run.ms / 1000).toFixed(1)} s, ${msPer1M} ms per 1M entries (target 60000), peak RSS ${peakMb} MB (target 300); load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cpus().length} CPUs`,
  )
  if (WRITE) {
    const path = join(ROOT, 'bench', 'results', 'anchor.json')
    const result = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
      : {}
    Object.assign(result, {
      auditMsPer1MEntries: msPer1M,
      auditPeakRssMb: peakMb,
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
