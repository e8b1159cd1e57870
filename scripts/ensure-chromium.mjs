// Makes sure a real browser is present for the browser suites: Debian's Chromium, installed
// with apt when we run as root (CI and the development machines do), or a clear message otherwise.
// Never a browser download: these machines reach only the npm registry and Debian's packages.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return true
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    console.error(
      `ensure-chromium: ${CHROMIUM_PATH} is missing. Install Debian's Chromium with\n` +
        '  sudo apt-get update && sudo apt-get install -y chromium\n' +
        'or set CHROMIUM_PATH. The browser suites will fail until then.',
    )
    return false
  }
  console.log('ensure-chromium: installing Debian chromium (apt-get) …')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (r.status !== 0) {
      console.error(`ensure-chromium: apt-get ${args.join(' ')} failed (exit ${r.status})`)
      return false
    }
  }
  return existsSync(CHROMIUM_PATH)
}
