import assert from 'node:assert/strict'
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { receiptKeyCommitment, receiptPublicKey } from '@tml/core'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { KeysError } from '../../src/keys/KeysError.ts'
import { loadKeys, parseApiKeys } from '../../src/keys/loadKeys.ts'
import { tempDir } from '../helpers/memory.ts'

describe('loadKeys', () => {
  test('default: a development run creates every key file (0600) and reports them; the next run reads them', () => {
    const dir = join(tempDir(), 'keys')
    const first = loadKeys({ dir, create: true })
    assert.deepEqual(
      first.created.map((f) => f.slice(dir.length + 1)),
      ['receipt.key', 'checkpoint.key', 'subject-index.key', 'log-id', 'api-keys', 'note.key'],
    )
    for (const f of first.created) assert.equal(statSync(f).mode & 0o777, 0o600)
    const second = loadKeys({ dir, create: true })
    assert.deepEqual(second.created, [])
    assert.deepEqual(second.receiptKey, first.receiptKey)
    assert.deepEqual(second.noteKey, first.noteKey)
    assert.equal(second.logId, first.logId)
    assert.equal(second.apiKeys[0]?.caller, 'dev')
  })

  test('behavior: environment variables take precedence over files', () => {
    const dir = join(tempDir(), 'keys')
    loadKeys({ dir, create: true })
    const seed = `0x${'01'.repeat(32)}` as const
    const keys = loadKeys({
      dir,
      create: false,
      env: { TML_RECEIPT_KEY: seed, TML_API_KEYS: 'a:0123456789abcdef, b:fedcba9876543210' },
    })
    assert.deepEqual(keys.receiptKey, new Uint8Array(32).fill(1))
    assert.deepEqual(
      keys.apiKeys.map((k) => k.caller),
      ['a', 'b'],
    )
  })

  test('behavior: the OpenSSL signer has core’s P-256 public key and commitment for the same key', () => {
    const seed = new Uint8Array(32).map((_, i) => 255 - i)
    const signer = createReceiptSigner(seed)
    assert.equal(signer.publicKey, receiptPublicKey(seed))
    assert.match(signer.publicKey, /^0x04[0-9a-f]{128}$/)
    assert.equal(signer.keyCommitment, receiptKeyCommitment(signer.publicKey))
  })

  test('errors: missing keys in production, malformed keys and API keys', () => {
    const dir = join(tempDir(), 'keys')
    assert.throws(
      () => loadKeys({ dir, create: false }),
      (e: unknown) => e instanceof KeysError && /TML_RECEIPT_KEY/.test(e.message),
    )
    loadKeys({ dir, create: true })
    writeFileSync(join(dir, 'receipt.key'), '0x1234\n')
    assert.throws(() => loadKeys({ dir, create: false }), /is not 32 bytes of 0x hex/)
    // 32 bytes, but not a P-256 scalar in [1, n - 1].
    writeFileSync(join(dir, 'receipt.key'), `0x${'ff'.repeat(32)}\n`)
    assert.throws(
      () => loadKeys({ dir, create: false }),
      (e: unknown) => e instanceof KeysError && /not a P-256 private key/.test(e.message),
    )
    writeFileSync(join(dir, 'receipt.key'), `0x${'00'.repeat(32)}\n`)
    assert.throws(() => loadKeys({ dir, create: false }), /not a P-256 private key/)
    assert.throws(() => parseApiKeys('nocolon'), KeysError)
    assert.throws(() => parseApiKeys('a:short'), KeysError)
    assert.throws(() => parseApiKeys('# only a comment'), /No API key/)
    assert.match(readFileSync(join(dir, 'api-keys'), 'utf8'), /^dev:/)
  })

  test('behavior: the note key may be missing outside development (no C2SP note then)', () => {
    const dir = join(tempDir(), 'keys')
    loadKeys({ dir, create: true })
    rmSync(join(dir, 'note.key'))
    assert.equal(loadKeys({ dir, create: false }).noteKey, undefined)
    const seed = `0x${'02'.repeat(32)}` as const
    assert.deepEqual(
      loadKeys({ dir, create: false, env: { TML_NOTE_KEY: seed } }).noteKey,
      new Uint8Array(32).fill(2),
    )
    assert.throws(
      () => loadKeys({ dir, create: false, env: { TML_NOTE_KEY: '0x12' } }),
      /TML_NOTE_KEY \/ note.key is not 32 bytes of 0x hex/,
    )
  })
})
