import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { LOCK_FILE } from '../../src/service/DataDirLock.ts'
import { killHard, startChildGateway } from '../helpers/child.ts'
import { API_TOKEN, auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const env = { TML_API_KEYS: `tester:${API_TOKEN}` }

async function decide(url: URL): Promise<{ seq: number; state: number }> {
  const res = await fetch(new URL('/v1/decisions', url), {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...SMALLEST, profile: 'finance' }),
  })
  assert.equal(res.status, 200)
  return (await res.json()) as { seq: number; state: number }
}

describe('one writer per data directory (real processes)', () => {
  test('behavior: a second gateway on the same data directory refuses to start, naming the holder (pid, host, start time)', {
    timeout: 60_000,
  }, async () => {
    const dataDir = tempDir('tml-lock-')
    const first = await startChildGateway({ dataDir, env })
    try {
      const before = await decide(first.url)
      const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as {
        pid: number
        host: string
        started: string
      }
      assert.equal(lock.pid, first.child.pid)
      assert.equal(lock.host, hostname())
      await assert.rejects(startChildGateway({ dataDir, env }), (e: Error) => {
        assert.match(e.message, /exited with 1/)
        assert.match(e.message, new RegExp(`in use by another gateway: pid ${first.child.pid}`))
        assert.match(e.message, new RegExp(`on host ${hostname()}`))
        assert.match(e.message, new RegExp(`started ${lock.started.replaceAll('.', '\\.')}`))
        return true
      })
      // The first one still runs and numbers on, untouched by the refused start.
      const after = await decide(first.url)
      assert.equal(after.seq, before.seq + 1)
    } finally {
      await killHard(first)
    }
  })

  test('behavior: a stale lock (its pid no longer runs on this host) is taken over with a warning', {
    timeout: 60_000,
  }, async () => {
    const dataDir = tempDir('tml-lock-')
    const first = await startChildGateway({ dataDir, env })
    const dead = first.child.pid
    await decide(first.url)
    await killHard(first)
    assert.ok(existsSync(join(dataDir, LOCK_FILE)), 'kill -9 leaves the lock behind')
    const second = await startChildGateway({ dataDir, env })
    try {
      const warning = second.logs
        .map((l) => {
          try {
            return JSON.parse(l) as { level: number; msg: string; holder?: { pid: number } }
          } catch {
            return undefined
          }
        })
        .find((l) => l?.msg.startsWith('stale lock of the data directory taken over'))
      assert.ok(warning, second.logs.join('\n'))
      assert.equal(warning.level, 40, 'logged as a warning')
      assert.equal(warning.holder?.pid, dead)
      assert.equal((await decide(second.url)).seq, 1)
      const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number }
      assert.equal(lock.pid, second.child.pid)
    } finally {
      await killHard(second)
    }
  })

  test('errors: a lock file that does not name its holder is refused with the file named, and left as it is', {
    timeout: 60_000,
  }, async () => {
    const dataDir = tempDir('tml-lock-')
    writeFileSync(join(dataDir, LOCK_FILE), 'garbage')
    await assert.rejects(startChildGateway({ dataDir, env }), (e: Error) => {
      assert.match(e.message, /exited with 1/)
      assert.match(
        e.message,
        new RegExp(`lock ${join(dataDir, LOCK_FILE)} cannot be read: not JSON`),
      )
      assert.match(e.message, /if no gateway runs on this directory, delete/)
      return true
    })
    assert.equal(readFileSync(join(dataDir, LOCK_FILE), 'utf8'), 'garbage')
  })
})
