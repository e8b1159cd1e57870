// The repository stands on its own: a clone with nothing beside it must build, test and read
// well. Nothing tracked may reach a folder outside the repository, and every relative link of
// the Markdown files must name a file inside it.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path !== '' && existsSync(join(root, path)))
const texts = tracked.filter((path) =>
  /\.(ts|tsx|mjs|js|json|md|sol|yaml|yml|sh)$|^\.ci\//.test(path),
)

// The folder the project's first reference material sat in, beside the clone (spelled in two
// pieces so that this file does not match itself).
const SIBLING = ['..', 'shared'].join('/')

describe('a clone with nothing beside it', () => {
  test('behavior: no tracked file refers to the folder beside the repository', () => {
    const offenders = texts.filter((path) =>
      readFileSync(join(root, path), 'utf8').includes(SIBLING),
    )
    assert.deepEqual(offenders, [])
  })

  test('behavior: every relative Markdown link names a file of the repository', () => {
    const broken: string[] = []
    for (const path of tracked.filter((p) => p.endsWith('.md'))) {
      const text = readFileSync(join(root, path), 'utf8')
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = (match[1] ?? '').split('#')[0] ?? ''
        if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue
        const file = resolve(root, dirname(path), target)
        const inside = !relative(root, file).startsWith('..')
        if (!inside || !existsSync(file)) broken.push(`${path}: ${match[1]}`)
      }
    }
    assert.deepEqual(broken, [])
  })

  test('behavior: the RFC 6962 vectors are in the repository with their licence', () => {
    for (const file of ['LICENSE', 'README.md']) {
      assert.ok(tracked.includes(`test/vectors/rfc6962/${file}`), file)
    }
    const cases = tracked.filter((p) => /^test\/vectors\/rfc6962\/.+\.json$/.test(p))
    assert.ok(cases.length >= 196, `${cases.length} vector files`)
  })
})
