// Temporary folders of the end-to-end tests (page builds, gateway data, deployments), removed
// when the test file's process exits: a page build is a few megabytes, and a machine that runs
// the suite again and again kept every one of them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made: string[] = []
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 2 })
})

/**
 * A fresh folder under the system's temporary directory, removed when the process exits.
 *
 * @example
 * const dir = tempDir('tml-web-gateway-')
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
