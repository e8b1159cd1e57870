import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { ArchivedPolicy, PolicyArchive } from '../../src/policy/PolicyArchive.ts'
import { PolicyArchiveError } from '../../src/policy/PolicyArchiveError.ts'
import { policyArchiveRecords } from '../../src/policy/policyArchiveRecords.ts'
import { POLICY_DIR, shipped } from '../helpers/policies.ts'

const sha256Hex = (bytes: Uint8Array | string): string =>
  `0x${createHash('sha256').update(bytes).digest('hex')}`

const records = (now = 1_700_000_000_000) => policyArchiveRecords({ policies: shipped, now })

/**
 * The {@link PolicyArchive} contract (its guarantees, as behaviour), run against one
 * implementation: each archive's test file calls it with a factory of fresh, empty archives.
 *
 * @example
 * policyArchiveConformance('MemoryPolicyArchive', async () => new MemoryPolicyArchive())
 */
export function policyArchiveConformance(name: string, make: () => Promise<PolicyArchive>): void {
  const open = make
  describe(`PolicyArchive contract: ${name}`, () => {
    test('default: keeps every shipped profile and the set, each hashing to its hash', async () => {
      const archive = await open()
      await archive.keep(records())
      const list = await archive.list()
      assert.equal(list.length, shipped.size + 1)
      for (const [profile, loaded] of shipped) {
        const kept = await archive.get(loaded.hash)
        assert.ok(kept, profile)
        assert.equal(kept.profile, profile)
        assert.equal(sha256Hex(kept.document), loaded.hash)
        assert.equal(kept.source, readFileSync(join(POLICY_DIR, `${profile}.yaml`), 'utf8'))
      }
      const set = list.find((p) => p.kind === 'set')
      assert.ok(set)
      assert.equal(set.profile, null)
      await archive.close()
    })

    test('behavior: keeping a version again changes nothing, its first-seen time included', async () => {
      const archive = await open()
      await archive.keep(records(1000))
      await archive.keep(records(2000))
      const list = await archive.list()
      assert.equal(list.length, shipped.size + 1)
      assert.ok(list.every((p) => p.firstSeenMs === 1000))
      await archive.close()
    })

    test('error: a document that does not hash to its hash is refused, and nothing is kept', async () => {
      const archive = await open()
      const [first, second] = records()
      assert.ok(first && second)
      // The attack: serve another (laxer) policy text under a hash that MTLs carry.
      const forged: ArchivedPolicy = { ...second, hash: first.hash }
      await assert.rejects(archive.keep([second, forged]), (e: unknown) => {
        assert.ok(e instanceof PolicyArchiveError)
        assert.match(e.message, /its document hashes to 0x[0-9a-f]{64}, not to its hash/)
        return true
      })
      assert.deepEqual(await archive.list(), [])
      await archive.close()
    })

    test('error: a set with a profile, or a profile without one, is refused', async () => {
      const archive = await open()
      const set = records().at(-1) as ArchivedPolicy
      await assert.rejects(archive.keep([{ ...set, profile: 'general' }]), PolicyArchiveError)
      const general = records()[0] as ArchivedPolicy
      await assert.rejects(archive.keep([{ ...general, profile: null }]), PolicyArchiveError)
      await archive.close()
    })
  })
}
