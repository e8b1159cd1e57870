// `npm run bench`: every benchmark of the repository, one after the other (they would disturb
// each other's timings side by side), each through its own npm script so that it runs exactly
// as `npm run bench:<name>` does; then bench/summary.ts writes bench/results/SUMMARY.md.
//
//   npm run bench                          (all of them, in sequence)
//   npm run bench -- --only merkle,gateway
//
// A benchmark that fails does not stop the others: its result file keeps the previous run's
// figures, which the summary marks as older; the run ends non-zero naming it.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCHMARKS, type BenchmarkName, writeSummary } from './summary.ts'

const NAMES = BENCHMARKS.map((b) => b.name)

export const USAGE = `Usage: npm run bench [-- --only NAME,...]

Runs the benchmarks one after the other, showing their output under a header each, then writes
bench/results/SUMMARY.md (each figure beside its target and the alternative measured in the same
run). A failing benchmark does not stop the others; the run then exits 1 and names it.

Benchmarks (each also runs alone as \`npm run bench:NAME\`; what each writes: bench/README.md):
${BENCHMARKS.map((b) => `  ${b.name.padEnd(8)} ${b.title} (issue ${b.issue}), writes bench/results/${b.name}.json`).join('\n')}

Options:
  --only NAME,...  Run only these benchmarks (the summary still lists every result file).
  -h, --help       Show this help.`

/** What the command line asks for: the benchmarks to run, the help, or a usage error. */
export type RunRequest =
  | { kind: 'run'; names: BenchmarkName[] }
  | { kind: 'help' }
  | { kind: 'error'; message: string }

/** Reads the options (pure: argv in, request out). */
export function parseRunArgs(argv: readonly string[]): RunRequest {
  let values: { only?: string | undefined; help?: boolean | undefined }
  try {
    values = parseArgs({
      args: [...argv],
      options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values
  } catch (error) {
    return { kind: 'error', message: (error as Error).message }
  }
  if (values.help) return { kind: 'help' }
  if (values.only === undefined) return { kind: 'run', names: [...NAMES] }
  const asked = values.only.split(',').map((name) => name.trim())
  const unknown = asked.filter((name) => !(NAMES as readonly string[]).includes(name))
  if (unknown.length || asked.length === 0) {
    return {
      kind: 'error',
      message: `--only: unknown benchmark "${unknown.join('", "')}" (known: ${NAMES.join(', ')})`,
    }
  }
  // In the repository's order, each once, whatever order they were given in.
  return { kind: 'run', names: NAMES.filter((name) => asked.includes(name)) }
}

type Outcome = { name: BenchmarkName; status: 'ok' | 'failed' | 'skipped'; detail: string }

let current: ReturnType<typeof spawn> | undefined
let interrupted = false

/** Runs `npm run bench:<name>` with its output on ours; resolves with its exit description. */
function runOne(name: BenchmarkName): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn('npm', ['run', `bench:${name}`], {
      cwd: join(import.meta.dirname, '..'),
      stdio: 'inherit',
    })
    current = child
    const seconds = () => `${((performance.now() - started) / 1000).toFixed(0)} s`
    child.on('error', (error) => {
      current = undefined
      resolve({ ok: false, detail: `could not start npm: ${error.message}` })
    })
    child.on('exit', (code, signal) => {
      current = undefined
      if (code === 0) resolve({ ok: true, detail: seconds() })
      else resolve({ ok: false, detail: `${signal ?? `exit ${code}`} after ${seconds()}` })
    })
  })
}

async function main(): Promise<number> {
  const request = parseRunArgs(process.argv.slice(2))
  if (request.kind === 'help') {
    console.log(USAGE)
    return 0
  }
  if (request.kind === 'error') {
    console.error(`bench: ${request.message}\n\n${USAGE}`)
    return 2
  }
  // Ctrl-C reaches the running benchmark too (same process group): let it stop, run no more,
  // and still write the summary of what exists. SIGTERM comes to us alone: pass it on.
  process.on('SIGINT', () => {
    interrupted = true
  })
  process.on('SIGTERM', () => {
    interrupted = true
    current?.kill('SIGTERM')
  })

  const outcomes: Outcome[] = []
  for (const name of request.names) {
    if (interrupted) {
      outcomes.push({ name, status: 'skipped', detail: 'interrupted' })
      continue
    }
    const title = BENCHMARKS.find((b) => b.name === name)?.title ?? name
    console.log(`\n━━ bench: ${name} · ${title} · npm run bench:${name} ━━\n`)
    const result = await runOne(name)
    outcomes.push({ name, status: result.ok ? 'ok' : 'failed', detail: result.detail })
  }

  const failed = outcomes.filter((o) => o.status === 'failed').map((o) => o.name)
  console.log('\n━━ bench: results ━━')
  for (const o of outcomes) console.log(`  ${o.name.padEnd(8)} ${o.status.padEnd(7)} ${o.detail}`)
  try {
    const out = writeSummary(join(import.meta.dirname, 'results'), failed)
    console.log(`bench: wrote ${out}`)
  } catch (error) {
    console.error(`bench: could not write the summary: ${(error as Error).message}`)
    return 1
  }
  if (interrupted) {
    console.error('bench: interrupted')
    return 130
  }
  if (failed.length) {
    console.error(`bench: failed: ${failed.join(', ')} (their output is above)`)
    return 1
  }
  return 0
}

if (import.meta.main) process.exitCode = await main()
