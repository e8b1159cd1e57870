// Makes sure Go and golang.org/x/mod are present for the C2SP follower test
// (gateway/test/tiles/goFollower.test.ts), which checks the log's tiles and notes with Go's own
// sumdb/note and sumdb/tlog as an independent client: Debian's golang-go and
// golang-golang-x-mod-dev, installed with apt when we run as root (CI and the development
// machines do), or a clear message otherwise. Never a download from elsewhere.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const GO_BIN = process.env.GO_BIN ?? '/usr/bin/go'
/** GOPATH of Debian's Go libraries; the follower runs in GOPATH mode against it. */
export const GOPATH = process.env.TML_GOPATH ?? '/usr/share/gocode'
const X_MOD_TLOG = `${GOPATH}/src/golang.org/x/mod/sumdb/tlog`

export const GO_INSTALL_HINT =
  'sudo apt-get update && sudo apt-get install -y golang-go golang-golang-x-mod-dev'

/** True when Go and x/mod's sumdb packages are where the follower test looks for them. */
export function hasGo() {
  return existsSync(GO_BIN) && existsSync(X_MOD_TLOG)
}

export function ensureGo() {
  if (hasGo()) return true
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    console.error(
      `ensure-go: Go (${GO_BIN}) or golang.org/x/mod (${X_MOD_TLOG}) is missing. Install them with\n` +
        `  ${GO_INSTALL_HINT}\n` +
        'The C2SP follower test fails until then.',
    )
    return false
  }
  console.log('ensure-go: installing Debian golang-go and golang-golang-x-mod-dev (apt-get) …')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'golang-go', 'golang-golang-x-mod-dev'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (r.status !== 0) {
      console.error(`ensure-go: apt-get ${args.join(' ')} failed (exit ${r.status})`)
      return false
    }
  }
  return hasGo()
}
