import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { CliIo } from '../../src/cli/io.ts'
import { main } from '../../src/cli/main.ts'
import { tempDir } from '../helpers/memory.ts'
import { POLICY_DIR } from '../helpers/policies.ts'

function capture(
  env: Record<string, string> = {},
): CliIo & { stdout: () => string; stderr: () => string } {
  let out = ''
  let err = ''
  return {
    out: (t) => {
      out += t
    },
    err: (t) => {
      err += t
    },
    env,
    stdout: () => out,
    stderr: () => err,
  }
}

describe('tml', () => {
  test('default: --help everywhere, exit 0', async () => {
    for (const argv of [
      ['--help'],
      ['gateway', 'start', '--help'],
      ['keys', '--help'],
      ['policy', 'check', '--help'],
      ['gateway', '--help'],
      ['policy', '--help'],
    ]) {
      const io = capture()
      assert.equal(await main({ argv, io }), 0, argv.join(' '))
      assert.match(io.stdout(), /^Usage: tml/)
    }
  })

  test('default: --version prints the package version, exit 0', async () => {
    const pkg = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
    ) as { version: string }
    for (const flag of ['--version', '-V']) {
      const io = capture()
      assert.equal(await main({ argv: [flag], io }), 0)
      assert.equal(io.stdout(), `tml ${pkg.version}\n`)
    }
  })

  test('errors: an unknown command prints the help and exits 2', async () => {
    const io = capture()
    assert.equal(await main({ argv: ['launch'], io }), 2)
    assert.match(io.stderr(), /unknown command "launch"/)
  })

  test('behavior: policy check prints profiles and hashes, or file:line:column and exit 1', async () => {
    const io = capture()
    assert.equal(await main({ argv: ['policy', 'check', POLICY_DIR], io }), 0)
    assert.equal(io.stdout().match(/^ok /gm)?.length, 7)
    assert.match(io.stdout(), /^ok agent_tools 0x[0-9a-f]{64} /)
    assert.match(io.stdout(), /^ok autonomous_vehicles 0x[0-9a-f]{64} /m)
    assert.match(
      io.stdout(),
      /^ok general .*\n {3}timing deliberative; reviewers 0x15d34aaf54267db7d7c367839aaf71a00a2c6a65; hook none$/m,
    )
    const bad = join(tempDir(), 'bad.yaml')
    writeFileSync(
      bad,
      'v: tml-policy/1\nprofile: x\npause: { timeout_ms: 10 }\nharm: { ambiguous: 0.5, critical: 0.4 }\n',
    )
    const io2 = capture()
    assert.equal(await main({ argv: ['policy', 'check', bad], io: io2 }), 1)
    assert.equal(
      io2.stderr(),
      `${bad}:4:20: harm.ambiguous: ambiguous (0.5) must not be above critical (0.4)\n`,
    )
  })

  test('behavior: keys generate, then keys show prints only public values', async () => {
    const dir = join(tempDir(), 'keys')
    const io = capture()
    assert.equal(await main({ argv: ['keys', 'generate', '--keys', dir], io }), 0)
    assert.match(io.stdout(), /created .*receipt\.key/)
    const show = capture()
    assert.equal(await main({ argv: ['keys', '--keys', dir], io: show }), 0)
    assert.match(
      show.stdout(),
      /receipt public key {5}0x04[0-9a-f]{128}\nreceipt key \(on chain\) 0x[0-9a-f]{64}\n/,
    )
    assert.match(show.stdout(), /checkpoint signer {6}0x[0-9a-fA-F]{40}\n/)
    // The C2SP verifier key of Go's sumdb/note: name (the origin) + key ID + base64(0x01 ‖ key).
    assert.match(
      show.stdout(),
      /note verifier key {6}tml-anchor\/[0-9a-f]{64}\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}\n/,
    )
    assert.ok(!show.stdout().includes('created'))
    const missing = capture()
    assert.equal(await main({ argv: ['keys', '--keys', join(dir, 'none')], io: missing }), 1)
  })

  test('behavior: gateway start refuses an invalid policy with file and line (real process)', () => {
    const dir = tempDir()
    const bad = join(dir, 'bad.yaml')
    writeFileSync(
      bad,
      'v: tml-policy/1\nprofile: x\npause: { timeout_ms: 10 }\nambiguity: { entropy_max: 2 }\n',
    )
    const bin = fileURLToPath(new URL('../../bin/tml.mjs', import.meta.url))
    const r = spawnSync(
      process.execPath,
      [bin, 'gateway', 'start', '--data', dir, '--policies', bad, '--port', '0'],
      { encoding: 'utf8' },
    )
    assert.equal(r.status, 1)
    assert.match(r.stderr, /bad\.yaml:4:27: ambiguity\.entropy_max: must be between 0 and 1, got 2/)
    assert.match(r.stderr, /refusing to start/)
  })
})
