// What `npm start` and `npm test` do first on a fresh clone. Plain JavaScript on purpose: they
// start on the machine's Node (20), before node_modules holds the project's Node 22.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const projectNode = join(root, 'node_modules', '.bin', 'node')

/** Installs the dependencies from the lock file when node_modules lacks the project's Node 22. */
export function ensureInstalled() {
  if (existsSync(projectNode)) return
  console.log('bootstrap: installing dependencies (npm ci) …')
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (result.status !== 0) {
    console.error(`bootstrap: npm ci failed (exit ${result.status ?? result.signal})`)
    process.exit(1)
  }
}

/**
 * Runs `script` on the project's Node 22 with this process's arguments and exits with its
 * code; returns at once when this already is Node 22 or later (the caller goes on itself).
 */
export function onProjectNode(script) {
  if (Number(process.versions.node.split('.')[0]) >= 22) return
  const result = spawnSync(projectNode, [script, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  })
  process.exit(result.status ?? 1)
}
