// Temporary folders of the tests (gateway data, page builds, deployments), removed when the test
// file's process exits: a full run makes about a thousand, and a machine running CI again and
// again kept every one of them. The gateway's, the web end-to-end and the stack tests use it.
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
export function tempDir(prefix = 'tml-gw-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
