// Web3 Secret Storage keystores: written by `tml keystore`, read back by ethers' and our decryption,
// refused with the wrong password, and never fed from the command line or without a password source.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { decryptKeystoreJson } from 'ethers'
import { privateKeyToAccount } from 'viem/accounts'
import { KeystoreError } from '../../src/keys/KeystoreError.ts'
import { openKeystore, readKeystore } from '../../src/keys/readKeystore.ts'
import { writeKeystore } from '../../src/keys/writeKeystore.ts'
import { tempDir } from '../helpers/memory.ts'

const TML = fileURLToPath(new URL('../../bin/tml.mjs', import.meta.url))
// Hardhat's public development key #1: never a real key.
const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
const ADDRESS = privateKeyToAccount(KEY).address

/** Runs the real CLI with stdin a pipe (not a terminal) fed `input`. */
function tml(
  args: string[],
  { input = '', env = {} }: { input?: string; env?: Record<string, string> } = {},
) {
  const { TML_KEYSTORE_PASSWORD: _, ...rest } = process.env
  const r = spawnSync(process.execPath, [TML, ...args], {
    input,
    env: { ...rest, ...env },
    encoding: 'utf8',
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('keystores', () => {
  test('default: a written keystore decrypts to the same key, with ours and with ethers', async () => {
    const file = join(tempDir(), 'op.json')
    const { address } = await writeKeystore({
      file,
      password: 'correct horse',
      privateKey: KEY,
      light: true,
    })
    assert.equal(address, ADDRESS)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(openKeystore(file).address, ADDRESS)
    const account = await readKeystore({ file, password: 'correct horse' })
    assert.equal(account.address, ADDRESS)
    assert.equal(account.privateKey, KEY)
    assert.equal(
      (await decryptKeystoreJson(readFileSync(file, 'utf8'), 'correct horse')).privateKey,
      KEY,
    )
  })

  test('adversarial: the wrong password is refused as such', async () => {
    const file = join(tempDir(), 'op.json')
    await writeKeystore({ file, password: 'right', privateKey: KEY, light: true })
    await assert.rejects(readKeystore({ file, password: 'wrong' }), (e: unknown) => {
      assert.ok(e instanceof KeystoreError)
      assert.match(e.shortMessage, /wrong password for the keystore .*op\.json/)
      return true
    })
  })

  test('adversarial: a keystore whose address field lies about its key is refused', async () => {
    const dir = tempDir()
    const file = join(dir, 'op.json')
    await writeKeystore({ file, password: 'pw', privateKey: KEY, light: true })
    const json = JSON.parse(readFileSync(file, 'utf8'))
    json.address = 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266'
    const forged = join(dir, 'forged.json')
    writeFileSync(forged, JSON.stringify(json))
    await assert.rejects(
      readKeystore({ file: forged, password: 'pw' }),
      /says 0xf39F.* but holds the key of another account/,
    )
  })

  test('edge: an existing file is never overwritten; not a keystore is named', async () => {
    const dir = tempDir()
    const file = join(dir, 'op.json')
    await writeKeystore({ file, password: 'pw', light: true })
    await assert.rejects(
      writeKeystore({ file, password: 'pw', light: true }),
      /exists: a keystore is never overwritten/,
    )
    writeFileSync(join(dir, 'plain.json'), '{"privateKey":"0x00"}')
    assert.throws(() => openKeystore(join(dir, 'plain.json')), /not a Web3 Secret Storage keystore/)
  })

  test('default: tml keystore new (default scrypt cost), address and import from stdin', () => {
    const dir = tempDir()
    const pw = join(dir, 'pw')
    writeFileSync(pw, 'hunter2 hunter2\n')
    const made = tml(['keystore', 'new', join(dir, 'new.json'), '--password-file', pw, '--json'])
    assert.equal(made.code, 0, made.err)
    const { address } = JSON.parse(made.out) as { address: string }
    const json = JSON.parse(readFileSync(join(dir, 'new.json'), 'utf8'))
    assert.equal(
      (json.Crypto ?? json.crypto).kdfparams.n,
      131072,
      'the default cost, not the light one',
    )
    const shown = tml(['keystore', 'address', join(dir, 'new.json')])
    assert.equal(shown.out.trim(), address)

    const imported = tml(['keystore', 'import', join(dir, 'imp.json'), '--light-kdf'], {
      input: `${KEY}\n`,
      env: { TML_KEYSTORE_PASSWORD: 'from env' },
    })
    assert.equal(imported.code, 0, imported.err)
    assert.equal(imported.out.trim(), ADDRESS)
  })

  test('adversarial: a key on the command line is refused, and no file is written', () => {
    const dir = tempDir()
    const r = tml(['keystore', 'import', join(dir, 'k.json'), KEY], {
      env: { TML_KEYSTORE_PASSWORD: 'pw' },
    })
    assert.equal(r.code, 2)
    assert.match(r.err, /never from the command line/)
    assert.equal(existsSync(join(dir, 'k.json')), false)
  })

  test('adversarial: no terminal and no password source is a clear error', () => {
    const dir = tempDir()
    const r = tml(['keystore', 'new', join(dir, 'k.json')])
    assert.equal(r.code, 1)
    assert.match(
      r.err,
      /no keystore password: give --password-file FILE or TML_KEYSTORE_PASSWORD \(stdin is not a terminal/,
    )
    assert.equal(existsSync(join(dir, 'k.json')), false)
  })

  test('edge: stdin that holds no key is refused before any password is asked', () => {
    const dir = tempDir()
    const r = tml(['keystore', 'import', join(dir, 'k.json')], { input: 'not a key\n' })
    assert.equal(r.code, 1)
    assert.match(r.err, /stdin does not hold a private key/)
  })

  test('adversarial: on a terminal the password is typed without echo (a real pty through script(1))', async () => {
    const file = join(tempDir(), 'typed.json')
    // util-linux script(1) runs the CLI on a pseudo-terminal and forwards our writes as keystrokes.
    const command = [process.execPath, TML, 'keystore', 'new', file, '--light-kdf'].join(' ')
    const { TML_KEYSTORE_PASSWORD: _, ...rest } = process.env
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: rest })
    let screen = ''
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString()
      if (/Keystore password: $/.test(screen) || /Repeat the password: $/.test(screen))
        child.stdin.write('typed secret\r')
    })
    const code = await new Promise((resolve) => child.on('exit', resolve))
    assert.equal(code, 0, screen)
    assert.match(screen, /Keystore password: \r?\nRepeat the password: /)
    assert.doesNotMatch(screen, /typed secret/, 'the password never shows on the terminal')
    const account = await readKeystore({ file, password: 'typed secret' })
    assert.match(screen, new RegExp(account.address))
  })
})
