// The shipped policies (gateway/policies): each passes `tml policy check` and lists the local
// development reviewer, labelled in the file as a public test account. That they all load, with
// the protocol's thresholds, is parsePolicy.test.ts's "shipped policies".
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { privateKeyToAccount } from 'viem/accounts'
import { POLICY_DIR, shipped } from '../helpers/policies.ts'

const TML = fileURLToPath(new URL('../../bin/tml.mjs', import.meta.url))
/** Hardhat's well-known development account #4: its key is PUBLIC, a test key, never a real one. */
const HARDHAT_DEV_KEY_4 = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a'
const DEV_REVIEWER = privateKeyToAccount(HARDHAT_DEV_KEY_4).address

const files = readdirSync(POLICY_DIR).filter((f) => f.endsWith('.yaml'))

describe('shipped policies', () => {
  for (const file of files) {
    test(`behavior: ${file} passes tml policy check`, () => {
      const run = spawnSync(process.execPath, [TML, 'policy', 'check', join(POLICY_DIR, file)], {
        encoding: 'utf8',
      })
      assert.equal(run.status, 0, run.stderr)
      assert.match(run.stdout, /^ok [a-z_]+ 0x[0-9a-f]{64} /)
    })

    test(`behavior: ${file} lists Hardhat's development account #4 as reviewer, labelled as a test account`, () => {
      const loaded = [...shipped.values()].find((p) => p.file.endsWith(file))
      assert.ok(loaded)
      assert.deepEqual(loaded.policy.reviewers, [DEV_REVIEWER.toLowerCase()])
      const text = readFileSync(join(POLICY_DIR, file), 'utf8')
      const comment = text.slice(0, text.indexOf('\nreviewers:'))
      assert.match(comment, /# .*well-known development account #4/)
      assert.match(comment, /replace it with your reviewers' own addresses in production/)
    })
  }
})
