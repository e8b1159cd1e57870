import { createCipheriv } from 'node:crypto'
import { hchacha } from '@noble/ciphers/chacha.js'

/** XChaCha20-Poly1305 key length. */
export const XCHACHA_KEY_LENGTH = 32
/** XChaCha20-Poly1305 nonce length: 24 bytes, safe to draw at random. */
export const XCHACHA_NONCE_LENGTH = 24
/** Poly1305 tag length. */
export const XCHACHA_TAG_LENGTH = 16

// "expand 32-byte k" as four little-endian words: ChaCha20's constants (RFC 8439 §2.3).
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574])

// Scratch space reused by every call on this thread: sealing a record allocates no key material.
// Each call fills and wipes it synchronously, so calls never see one another's values.
const keyWords = new Uint32Array(8)
const nonceWords = new Uint32Array(4)
const subkeyWords = new Uint32Array(8)
const subkey = new Uint8Array(32)
const subkeyView = new DataView(subkey.buffer)
const iv = new Uint8Array(12)

/** Parameters of {@link xchachaSealInto}. */
export type XChaChaSealParameters = {
  /** 32-byte key. */
  key: Uint8Array
  /** 24-byte nonce. */
  nonce: Uint8Array
  aad: Uint8Array
  plaintext: Uint8Array
  /** Where `ciphertext ‖ tag` is written: `plaintext.length + 16` bytes from `offset`. */
  out: Uint8Array
  offset: number
}

/**
 * XChaCha20-Poly1305 encryption (draft-irtf-cfrg-xchacha §2) written straight into `out`: the
 * HChaCha20 subkey of the key and the nonce's first 16 bytes (computed with `@noble/ciphers`'
 * `hchacha`), then the IETF ChaCha20-Poly1305 AEAD of RFC 8439 under that subkey with the nonce
 * `0x00000000 ‖ nonce[16..24]`, which OpenSSL runs through node's `crypto`. The bytes are the
 * same as `@noble/ciphers`' `xchacha20poly1305` (the vault's tests check it on the draft's test
 * vector and on random inputs), at about a third of its time per record: the commit worker seals
 * every decision.
 *
 * Spec: draft-irtf-cfrg-xchacha-03 §2.2 (HChaCha20), §2.3 (XChaCha20); RFC 8439 §2.8.
 *
 * @example
 * const out = new Uint8Array(plaintext.length + 16)
 * xchachaSealInto({ key, nonce, aad, plaintext, out, offset: 0 })
 */
export function xchachaSealInto({
  key,
  nonce,
  aad,
  plaintext,
  out,
  offset,
}: XChaChaSealParameters): void {
  if (key.length !== XCHACHA_KEY_LENGTH)
    throw new RangeError(`an XChaCha20-Poly1305 key is 32 bytes, not ${key.length}`)
  if (nonce.length !== XCHACHA_NONCE_LENGTH)
    throw new RangeError(`an XChaCha20-Poly1305 nonce is 24 bytes, not ${nonce.length}`)
  if (out.length - offset < plaintext.length + XCHACHA_TAG_LENGTH)
    throw new RangeError('the output is too short for the ciphertext and its tag')
  deriveSubkey(key, nonce)
  try {
    // No options: ChaCha20-Poly1305's tag is 16 bytes by default (the tests check the bytes),
    // and node's checks of an options object are a measurable part of a record's seal.
    const cipher = createCipheriv('chacha20-poly1305', subkey, iv)
    cipher.setAAD(aad, { plaintextLength: plaintext.length })
    const body = cipher.update(plaintext)
    out.set(body, offset)
    const tail = cipher.final()
    out.set(tail, offset + body.length)
    out.set(cipher.getAuthTag(), offset + plaintext.length)
  } finally {
    subkey.fill(0)
    subkeyWords.fill(0)
    keyWords.fill(0)
  }
}

/**
 * XChaCha20-Poly1305 encryption: `ciphertext ‖ tag` in a new array (see {@link xchachaSealInto}).
 *
 * @example
 * const sealed = xchachaSeal({ key, nonce, aad, plaintext })
 */
export function xchachaSeal(p: Omit<XChaChaSealParameters, 'out' | 'offset'>): Uint8Array {
  const out = new Uint8Array(p.plaintext.length + XCHACHA_TAG_LENGTH)
  xchachaSealInto({ ...p, out, offset: 0 })
  return out
}

// HChaCha20(key, nonce[0..16]) into `subkey`, and nonce[16..24] into the IETF nonce's last 8 bytes.
// Words are read and written little-endian whatever the machine's byte order.
function deriveSubkey(key: Uint8Array, nonce: Uint8Array): void {
  for (let i = 0; i < 8; i++) keyWords[i] = le32(key, i * 4)
  for (let i = 0; i < 4; i++) nonceWords[i] = le32(nonce, i * 4)
  hchacha(SIGMA, keyWords, nonceWords, subkeyWords)
  for (let i = 0; i < 8; i++) subkeyView.setUint32(i * 4, subkeyWords[i] as number, true)
  iv.set(nonce.subarray(16, 24), 4)
}

function le32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  )
}
