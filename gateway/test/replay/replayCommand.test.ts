// `tml replay`'s usage errors: each is refused with exit 2 before anything is fetched, naming
// what is missing or wrong.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { main } from '../../src/cli/main.ts'
import { tempDir } from '../helpers/memory.ts'

async function run(argv: string[]) {
  let out = ''
  let err = ''
  const code = await main({
    argv: ['replay', ...argv],
    io: {
      out: (x) => {
        out += x
      },
      err: (x) => {
        err += x
      },
      env: {},
    },
  })
  return { code, out, err }
}

describe('tml replay: usage', () => {
  const dir = tempDir('tml-replay-cli-')
  const key = join(dir, 'auditor.x25519')
  writeFileSync(key, `0x${'11'.repeat(32)}\n`)
  const notKey = join(dir, 'not-a-key')
  writeFileSync(notKey, 'hello\n')

  it('--help prints the usage and exits 0; tml --help lists the command', async () => {
    const help = await run(['--help'])
    assert.equal(help.code, 0)
    assert.match(help.out, /^Usage: tml replay TRACE_ID --grant ID --auditor-key FILE/)
    assert.match(help.out, /Exit status: 0 identical; 1 the replay differs/)
    const listed: string[] = []
    await main({
      argv: ['--help'],
      io: { out: (x) => void listed.push(x), err: () => {}, env: {} },
    })
    assert.match(listed.join(''), /\n {2}replay TRACE_ID {6}Forensic replay/)
  })

  it('refuses a missing trace, grant, key or API URL with exit 2, naming it', async () => {
    const cases: [string[], RegExp][] = [
      [[], /give one TRACE_ID/],
      [['t1', 't2'], /give one TRACE_ID/],
      [['t1', '--auditor-key', key], /give --grant N/],
      [['t1', '--grant', 'x', '--auditor-key', key], /give --grant N/],
      [['t1', '--grant', '1'], /give --auditor-key FILE/],
      [['t1', '--grant', '1', '--auditor-key', notKey], /not an X25519 private key/],
      [['t1', '--grant', '1', '--auditor-key', key, '--api', 'ftp://x'], /--api must be an http/],
      [['t1', '--grant', '1', '--auditor-key', key, '--registry', '1=0x12'], /not an address/],
      [
        ['t1', '--grant', '1', '--auditor-key', key, '--registry', `1=0x${'22'.repeat(20)}`],
        /give the chain with --rpc/,
      ],
      [['t1', '--unknown'], /Unknown option '--unknown'/],
    ]
    for (const [argv, message] of cases) {
      const r = await run(argv)
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`)
      assert.match(r.err, message, argv.join(' '))
      assert.equal(r.out, '')
    }
  })
})
