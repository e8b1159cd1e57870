import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { xchachaSeal, xchachaSealInto } from '../../src/vault/xchacha20poly1305.ts'

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const range = (from: number, n: number) => new Uint8Array(n).map((_, i) => from + i)

// The AEAD example of the XChaCha draft (draft-irtf-cfrg-xchacha-03, appendix A.3.1): key
// 0x80..0x9f, nonce 0x40..0x57, twelve bytes of associated data, the "sunscreen" plaintext.
const VECTOR = {
  key: range(0x80, 32),
  nonce: range(0x40, 24),
  aad: hex('50515253c0c1c2c3c4c5c6c7'),
  plaintext: new TextEncoder().encode(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  ),
  ciphertext: hex(`
    bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
    731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
    2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
    21f9664c97637da9768812f615c68b13b52e`),
  tag: hex('c0875924c1c7987947deafd8780acf49'),
}

describe('XChaCha20-Poly1305 on OpenSSL (the vault sealer)', () => {
  it("gives the draft's test vector, ciphertext and tag", () => {
    const { key, nonce, aad, plaintext } = VECTOR
    const sealed = xchachaSeal({ key, nonce, aad, plaintext })
    assert.deepEqual(sealed.subarray(0, plaintext.length), VECTOR.ciphertext)
    assert.deepEqual(sealed.subarray(plaintext.length), VECTOR.tag)
    // The library the auditors' tools open with agrees on the same vector.
    assert.deepEqual(xchacha20poly1305(key, nonce, aad).encrypt(plaintext), sealed)
  })

  it('is byte-identical to @noble/ciphers on random keys, nonces, AAD and lengths, and noble opens it', () => {
    for (let i = 0; i < 300; i++) {
      const key = new Uint8Array(randomBytes(32))
      const nonce = new Uint8Array(randomBytes(24))
      const aad = new Uint8Array(randomBytes(i % 7 === 0 ? 0 : (i * 13) % 97))
      const plaintext = new Uint8Array(randomBytes((i * 37) % 1100))
      const ours = xchachaSeal({ key, nonce, aad, plaintext })
      const noble = xchacha20poly1305(key, nonce, aad)
      assert.deepEqual(ours, noble.encrypt(plaintext), `case ${i}`)
      assert.deepEqual(xchacha20poly1305(key, nonce, aad).decrypt(ours), plaintext)
      // The tag covers the AAD and every ciphertext byte: noble refuses any change.
      const flipped = ours.slice()
      const at = i % ours.length
      flipped[at] = (flipped[at] as number) ^ (1 << (i % 8))
      assert.throws(() => xchacha20poly1305(key, nonce, aad).decrypt(flipped), `case ${i}`)
      const otherAad = new Uint8Array([...aad, 0])
      assert.throws(() => xchacha20poly1305(key, nonce, otherAad).decrypt(ours), `case ${i}`)
    }
  })

  it('writes in place at an offset of an unaligned view, leaving the bytes around it alone', () => {
    const { key, nonce, aad, plaintext } = VECTOR
    const backing = new Uint8Array(3 + 40 + plaintext.length + 16 + 5).fill(0xee)
    // Key and nonce at odd offsets: words are read byte by byte, whatever the alignment.
    const oddKey = new Uint8Array(33)
    oddKey.set(key, 1)
    const oddNonce = new Uint8Array(25)
    oddNonce.set(nonce, 1)
    const out = backing.subarray(3)
    xchachaSealInto({
      key: oddKey.subarray(1),
      nonce: oddNonce.subarray(1),
      aad,
      plaintext,
      out,
      offset: 40,
    })
    assert.deepEqual(out.subarray(40, 40 + plaintext.length), VECTOR.ciphertext)
    assert.deepEqual(out.subarray(40 + plaintext.length, 40 + plaintext.length + 16), VECTOR.tag)
    assert.ok(backing.subarray(0, 43).every((b) => b === 0xee))
    assert.ok(backing.subarray(43 + plaintext.length + 16).every((b) => b === 0xee))
  })

  it('refuses a key, nonce or output of the wrong size, naming it', () => {
    const { key, nonce, aad, plaintext } = VECTOR
    assert.throws(
      () => xchachaSeal({ key: key.subarray(1), nonce, aad, plaintext }),
      /key is 32 bytes, not 31/,
    )
    assert.throws(
      () => xchachaSeal({ key, nonce: nonce.subarray(0, 12), aad, plaintext }),
      /nonce is 24 bytes, not 12/,
    )
    assert.throws(
      () =>
        xchachaSealInto({
          key,
          nonce,
          aad,
          plaintext,
          out: new Uint8Array(plaintext.length),
          offset: 0,
        }),
      /too short/,
    )
  })
})
