import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { base64ToBytes } from '../../src/bytes/base64.ts'
import {
  InvalidEd25519KeyError,
  InvalidNoteError,
  InvalidNoteKeyError,
  isValidNoteKeyName,
  noteKeyHash,
  noteSignerPublicKey,
  noteVerifierKey,
  openNote,
  parseNote,
  parseNoteVerifierKey,
  signNote,
  UnverifiedNoteError,
} from '../../src/c2sp/index.ts'

// Vectors of golang.org/x/mod/sumdb/note (note_test.go: TestNewSigner, TestSign, TestOpen).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop'
const TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n"
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n'
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n'
// The Ed25519 seed inside Go's private key string: base64(0x01 ‖ seed).
const PETER_SEED = base64ToBytes(PETER_SKEY.split('+').slice(4).join('+')).slice(1)

describe('signed note (c2sp.org/signed-note)', () => {
  test('vector: the key hash, verifier key and signed note of Go’s TestSign', () => {
    const publicKey = noteSignerPublicKey(PETER_SEED)
    assert.equal(noteKeyHash({ name: 'PeterNeumann', publicKey }), 0xc74f20a3)
    assert.equal(noteVerifierKey({ name: 'PeterNeumann', publicKey }), PETER_VKEY)
    assert.equal(noteVerifierKey({ name: 'PeterNeumann', privateKey: PETER_SEED }), PETER_VKEY)
    const note = signNote({
      text: TEXT,
      signers: [{ name: 'PeterNeumann', privateKey: PETER_SEED }],
    })
    assert.equal(note, `${TEXT}\n${PETER_SIG}`)
  })

  test('vector: Go’s TestOpen, one known key, one unknown, both known, none', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`
    const one = openNote({ note, verifiers: [PETER_VKEY] })
    assert.equal(one.text, TEXT)
    assert.deepEqual(
      one.verified.map((s) => [s.name, s.keyHash]),
      [['PeterNeumann', 0xc74f20a3]],
    )
    assert.deepEqual(
      one.unverified.map((s) => [s.name, s.keyHash]),
      [['EnochRoot', 0xaf0cfe78]],
    )
    const both = openNote({ note, verifiers: [PETER_VKEY, ENOCH_VKEY] })
    assert.equal(both.verified.length, 2)
    assert.equal(both.unverified.length, 0)
    assert.throws(() => openNote({ note, verifiers: [] }), UnverifiedNoteError)
    // Bytes are read as UTF-8, as Go reads them.
    assert.equal(
      openNote({ note: new TextEncoder().encode(note), verifiers: [PETER_VKEY] }).text,
      TEXT,
    )
  })

  test('vector: Go’s duplicate lines are kept once, an ambiguous key list is refused', () => {
    const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`
    const opened = openNote({ note, verifiers: [PETER_VKEY] })
    assert.equal(opened.verified.length, 1)
    assert.equal(opened.unverified.length, 1)
    assert.throws(
      () =>
        openNote({
          note: `${TEXT}\n${ENOCH_SIG}`,
          verifiers: [ENOCH_VKEY, PETER_VKEY, ENOCH_VKEY],
        }),
      /ambiguous key EnochRoot\+af0cfe78/,
    )
  })

  test('vector: a changed signature by a known key rejects the note', () => {
    const bad = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`
    assert.throws(
      () => openNote({ note: bad, verifiers: [PETER_VKEY] }),
      /invalid signature for key PeterNeumann\+c74f20a3/,
    )
  })

  test('vector: Go’s malformed notes are refused with InvalidNoteError', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
      `${TEXT}\n— PeterNeumann AAAA\n`, // a key ID and no signature
      `${TEXT}\n— PeterNeumann not-base64\n`,
    ]
    for (const note of bad) {
      assert.throws(() => openNote({ note, verifiers: [PETER_VKEY] }), InvalidNoteError, note)
    }
    // "\xff" in Go is invalid UTF-8: here, bytes that do not decode.
    const invalidUtf8 = new Uint8Array([0xff, ...new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`)])
    assert.throws(() => parseNote(invalidUtf8), /not valid UTF-8/)
    assert.throws(() => parseNote(`\uD800${TEXT}\n${PETER_SIG}`), InvalidNoteError)
  })

  test('behavior: the text may hold blank lines; the last one separates the signatures', () => {
    const text = 'first\n\nsecond\n'
    const note = signNote({ text, signers: [{ name: 'k', privateKey: PETER_SEED }] })
    const vkey = noteVerifierKey({ name: 'k', privateKey: PETER_SEED })
    assert.equal(openNote({ note, verifiers: [vkey] }).text, text)
  })

  test('errors: what cannot be signed says why', () => {
    const signers = [{ name: 'k', privateKey: PETER_SEED }]
    assert.throws(() => signNote({ text: 'no newline', signers }), /must end with a newline/)
    assert.throws(() => signNote({ text: 'tab\there\n', signers }), /U\+0009/)
    assert.throws(() => signNote({ text: 'x\n', signers: [] }), /at least one signer/)
    assert.throws(() => signNote({ text: 'x\n', signers: [...signers, ...signers] }), /given twice/)
    assert.throws(
      () => signNote({ text: 'x\n', signers: [{ name: 'a b', privateKey: PETER_SEED }] }),
      InvalidNoteKeyError,
    )
    assert.throws(
      () => signNote({ text: 'x\n', signers: [{ name: 'k', privateKey: new Uint8Array(31) }] }),
      InvalidEd25519KeyError,
    )
  })

  test('errors: verifier key strings are checked as Go’s NewVerifier checks them', () => {
    assert.deepEqual(parseNoteVerifierKey(PETER_VKEY).keyHash, 0xc74f20a3)
    const cases: [string, RegExp][] = [
      ['PeterNeumann', /expected <name>\+<key hash>\+<base64 key>/],
      ['PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /does not match/],
      ['PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /8 hex digits/],
      ['Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /not a valid/],
      ['PeterNeumann+c74f20a3+AhpjZHJjZ', /not base64/],
      [
        'PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
        /unknown signature type 2/,
      ],
      ['PeterNeumann+c74f20a3+ARpc', /32 bytes/],
    ]
    for (const [vkey, reason] of cases) {
      assert.throws(
        () => parseNoteVerifierKey(vkey),
        (e: unknown) => {
          assert.ok(e instanceof InvalidNoteKeyError, vkey)
          assert.match(e.message, reason)
          return true
        },
      )
    }
  })

  test('behavior: key names follow Go’s isValidName (Unicode spaces, +, lone surrogates)', () => {
    for (const name of ['a', 'example.com/log', 'tml-anchor/00ff', 'é'])
      assert.ok(isValidNoteKeyName(name))
    for (const name of [
      '',
      'a+b',
      'a b',
      'a\u00a0b',
      'a\u0085b',
      'a\u3000b',
      '\uD800',
      'a\nb',
      1,
    ]) {
      assert.ok(!isValidNoteKeyName(name), JSON.stringify(name))
    }
  })

  test('property: sign then open gives the text back; any changed byte of the text fails', () => {
    const line = fc
      .string({ unit: 'grapheme', maxLength: 40 })
      // Notes carry no control characters: drop them (a test of their refusal is above).
      .map((s) => [...s].filter((c) => (c.codePointAt(0) as number) >= 0x20).join(''))
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 5 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(),
        (lines, seed, pick) => {
          const text = `${lines.join('\n')}\n`
          const name = 'example.com/log'
          const note = signNote({ text, signers: [{ name, privateKey: seed }] })
          const vkey = noteVerifierKey({ name, privateKey: seed })
          assert.equal(openNote({ note, verifiers: [vkey] }).text, text)
          // Changing one character of the text (not into a newline) breaks the signature.
          const chars = [...text.slice(0, -1)]
          if (chars.length === 0) return
          const i = pick % chars.length
          if (chars[i] === '\n') return
          chars[i] = chars[i] === 'a' ? 'b' : 'a'
          const tampered = `${chars.join('')}\n\n${note.slice(text.length + 1)}`
          assert.throws(() => openNote({ note: tampered, verifiers: [vkey] }), UnverifiedNoteError)
        },
      ),
      { numRuns: 150 },
    )
  })
})
