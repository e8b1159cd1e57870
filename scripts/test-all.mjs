#!/usr/bin/env node
// Runs every test suite of the repository and ends with one plain line `N passed, N failed`.
//
// Plain JavaScript on purpose: on a fresh clone `npm test` starts on the machine's Node (20);
// see bootstrap.mjs.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureInstalled, onProjectNode, projectNode, root } from './bootstrap.mjs'
import { ensureChromium } from './ensure-chromium.mjs'
import { ensureGo } from './ensure-go.mjs'
import { ensurePostgres } from './ensure-postgres.mjs'

process.env.HARDHAT_DISABLE_TELEMETRY = 'true'

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options })
  if (result.status !== 0) {
    console.error(
      `test-all: \`${cmd} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`,
    )
    process.exit(1)
  }
}

// 1. Dependencies, then this script again on Node 22.
ensureInstalled()
onProjectNode(fileURLToPath(import.meta.url))

// 2. Build what the suites import (core's dist is the package other parts use).
console.log('test-all: building core and the contracts …')
run('npm', ['run', 'build', '--silent'])

// 3. A real browser for the browser suites, Go for the C2SP follower test, PostgreSQL's server
// binaries for the PostgreSQL store tests (they start throwaway clusters of their own).
ensureChromium()
ensureGo()
ensurePostgres()

// 4. The suites. Each reports its own totals; we read them from its output.
const suites = [
  {
    name: 'core',
    cwd: join(root, 'core'),
    cmd: projectNode,
    args: ['--test', '--test-reporter=spec', 'test/**/*.test.ts'],
  },
]
suites.push({
  name: 'gateway',
  cwd: join(root, 'gateway'),
  cmd: projectNode,
  args: ['--test', '--test-reporter=spec', 'test/**/*.test.ts'],
})
suites.push(
  { name: 'web', cwd: join(root, 'web'), cmd: 'npx', args: ['vitest', 'run'] },
  {
    name: 'web-e2e',
    cwd: join(root, 'web'),
    cmd: projectNode,
    args: ['--test', '--test-reporter=spec', 'e2e/*.test.ts'],
  },
)
// The repository's own tools (the benchmark summary).
suites.push({
  name: 'tools',
  cwd: root,
  cmd: projectNode,
  args: ['--test', '--test-reporter=spec', 'test/bench/*.test.ts', 'test/repo/*.test.ts'],
})
// The whole stack as `npm start` runs it (chains, gateway, calendar, page), driven end to end.
suites.push({
  name: 'stack',
  cwd: root,
  cmd: projectNode,
  args: ['--test', '--test-reporter=spec', 'test/stack/*.test.ts'],
})
if (existsSync(join(root, 'hardhat.config.ts'))) {
  suites.push({
    name: 'contracts',
    cwd: root,
    cmd: 'npx',
    args: ['hardhat', 'test', 'nodejs'],
  })
}

const only = process.argv.slice(2)
const unknown = only.filter((name) => !suites.some((s) => s.name === name))
if (unknown.length > 0) {
  console.error(
    `test-all: no suite named ${unknown.map((n) => `"${n}"`).join(', ')}; the suites are: ${suites.map((s) => s.name).join(', ')}`,
  )
  process.exit(2)
}
const selected = only.length ? suites.filter((s) => only.includes(s.name)) : suites

function runSuite(suite) {
  return new Promise((resolve) => {
    console.log(`\n━━ suite: ${suite.name} ━━`)
    const child = spawn(suite.cmd, suite.args, { cwd: suite.cwd, env: process.env })
    let tail = ''
    const keep = (chunk, out) => {
      out.write(chunk)
      tail = (tail + chunk.toString()).slice(-20000)
    }
    child.stdout.on('data', (c) => keep(c, process.stdout))
    child.stderr.on('data', (c) => keep(c, process.stderr))
    child.on('close', (code) => resolve({ ...suite, code, counts: parseCounts(tail) }))
  })
}

/**
 * Reads node:test's spec totals ("ℹ pass 3"), mocha-style totals ("3 passing") or vitest's
 * ("Tests  1 failed | 47 passed (48)").
 */
function parseCounts(raw) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes.
  const text = raw.replace(/\u001b\[[0-9;]*m/g, '')
  const vitest = [...text.matchAll(/^\s*Tests\s+(?:(\d+) failed \| )?(\d+) passed/gm)].at(-1)
  if (vitest) return { passed: Number(vitest[2]), failed: Number(vitest[1] ?? 0) }
  const vitestFailedOnly = [...text.matchAll(/^\s*Tests\s+(\d+) failed \((\d+)\)/gm)].at(-1)
  if (vitestFailedOnly) return { passed: 0, failed: Number(vitestFailedOnly[1]) }
  const last = (re) => {
    const all = [...text.matchAll(re)]
    return all.length ? Number(all[all.length - 1][1]) : undefined
  }
  const passed = last(/^\S*\s*pass (\d+)\s*$/gm) ?? last(/(\d+) passing/g)
  const failed = last(/^\S*\s*fail (\d+)\s*$/gm) ?? last(/(\d+) failing/g) ?? 0
  return passed === undefined ? undefined : { passed, failed }
}

let passed = 0
let failed = 0
const lines = []
for (const suite of selected) {
  const result = await runSuite(suite)
  let { counts } = result
  // A suite that crashed before reporting, or exited non-zero with no failure counted, is one failure.
  if (!counts) counts = { passed: 0, failed: 1 }
  else if (result.code !== 0 && counts.failed === 0) counts = { ...counts, failed: 1 }
  passed += counts.passed
  failed += counts.failed
  lines.push(
    `  ${suite.name.padEnd(12)} ${counts.passed} passed, ${counts.failed} failed (exit ${result.code})`,
  )
}
console.log('\n━━ summary ━━')
for (const line of lines) console.log(line)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
