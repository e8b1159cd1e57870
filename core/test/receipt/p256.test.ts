import assert from 'node:assert/strict'
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'
import { describe, test } from 'node:test'
import { bytesToHex, type Hex, hexToBytes } from '../../src/bytes/hex.ts'
import { utf8ToBytes } from '../../src/bytes/utf8.ts'
import { InvalidP256KeyError } from '../../src/receipt/InvalidP256KeyError.ts'
import { receiptKeyCommitment, receiptKeyMatches } from '../../src/receipt/receiptKeyCommitment.ts'
import { receiptPublicKey } from '../../src/receipt/receiptPublicKey.ts'
import { signP256 } from '../../src/receipt/signP256.ts'
import { verifyP256 } from '../../src/receipt/verifyP256.ts'

// Known answers: RFC 6979 Appendix A.2.5 (ECDSA, 256 bits, prime field = NIST P-256), key pair
// and the deterministic signatures "With SHA-256" of the messages "sample" and "test".
// Source: https://www.rfc-editor.org/rfc/rfc6979#appendix-A.2.5 (values typed from the RFC;
// RFC 6979 is an IETF document; the numbers are facts, no code is vendored).
const RFC6979_KEY = {
  x: '0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721' as Hex,
  Ux: '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6',
  Uy: '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
}
const RFC6979_PUBLIC: Hex = `0x04${RFC6979_KEY.Ux}${RFC6979_KEY.Uy}`
const RFC6979_SHA256 = [
  {
    message: 'sample',
    // k = A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60
    r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
    s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
  },
  {
    message: 'test',
    // k = D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0
    r: 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
    s: '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083',
  },
]

/** The order n of the P-256 base point (FIPS 186-5 / SP 800-186 §3.2.1.3). */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const HALF_N = N >> 1n
const hex32 = (value: bigint) => value.toString(16).padStart(64, '0')

/** node:crypto (OpenSSL) keys from raw P-256 coordinates, through JWK. */
const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url')
const nodePublic = (publicKey: Hex) =>
  createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: b64url(publicKey.slice(4, 68)),
      y: b64url(publicKey.slice(68)),
    },
    format: 'jwk',
  })
const nodePrivate = (privateKey: Hex) => {
  const publicKey = receiptPublicKey(privateKey)
  return createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: b64url(privateKey.slice(2)),
      x: b64url(publicKey.slice(4, 68)),
      y: b64url(publicKey.slice(68)),
    },
    format: 'jwk',
  })
}

describe('P-256 (signP256 / verifyP256 / receiptPublicKey)', () => {
  test('default: RFC 6979 A.2.5 public key', () => {
    assert.equal(receiptPublicKey(RFC6979_KEY.x), RFC6979_PUBLIC)
    assert.equal(receiptPublicKey(hexToBytes(RFC6979_KEY.x)), RFC6979_PUBLIC)
  })

  for (const vector of RFC6979_SHA256) {
    test(`default: RFC 6979 A.2.5 SHA-256 "${vector.message}" (deterministic, low s)`, () => {
      const message = utf8ToBytes(vector.message)
      const s = BigInt(`0x${vector.s}`)
      const low = s > HALF_N ? N - s : s
      const expected: Hex = `0x${vector.r}${hex32(low)}`
      assert.equal(signP256({ message, privateKey: RFC6979_KEY.x }), expected)
      assert.equal(verifyP256({ message, signature: expected, publicKey: RFC6979_PUBLIC }), true)
      // OpenSSL (through Node) is an independent implementation: it accepts both s and n − s.
      const original = hexToBytes(`0x${vector.r}${vector.s}`)
      const openssl = { key: nodePublic(RFC6979_PUBLIC), dsaEncoding: 'ieee-p1363' as const }
      assert.equal(nodeVerify('sha256', message, openssl, original), true)
      assert.equal(nodeVerify('sha256', message, openssl, hexToBytes(expected)), true)
    })
  }

  test('behavior: the RFC\'s high-s signature of "sample" is refused (s > n/2)', () => {
    const vector = RFC6979_SHA256[0] as (typeof RFC6979_SHA256)[number]
    assert.ok(BigInt(`0x${vector.s}`) > HALF_N)
    assert.equal(
      verifyP256({
        message: utf8ToBytes(vector.message),
        signature: `0x${vector.r}${vector.s}`,
        publicKey: RFC6979_PUBLIC,
      }),
      false,
    )
  })

  test('behavior: core signs, node:crypto verifies; node:crypto signs, core verifies', () => {
    const message = utf8ToBytes('{"v":"tml-receipt/2"}')
    for (let i = 0; i < 8; i++) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const jwk = privateKey.export({ format: 'jwk' })
      const d: Hex = `0x${Buffer.from(jwk.d as string, 'base64url')
        .toString('hex')
        .padStart(64, '0')}`
      const publicKey = receiptPublicKey(d)
      assert.equal(
        publicKey,
        `0x04${Buffer.from(jwk.x as string, 'base64url')
          .toString('hex')
          .padStart(64, '0')}${Buffer.from(jwk.y as string, 'base64url')
          .toString('hex')
          .padStart(64, '0')}`,
      )
      const ours = signP256({ message, privateKey: d })
      assert.equal(
        nodeVerify(
          'sha256',
          message,
          { key: privateKey, dsaEncoding: 'ieee-p1363' },
          hexToBytes(ours),
        ),
        true,
      )
      const theirs = nodeSign('sha256', message, { key: nodePrivate(d), dsaEncoding: 'ieee-p1363' })
      const s = BigInt(`0x${theirs.subarray(32).toString('hex')}`)
      // OpenSSL does not normalize s: core accepts exactly the low-s ones, and their twin.
      const low = s > HALF_N ? N - s : s
      const normalized: Hex = `0x${theirs.subarray(0, 32).toString('hex')}${hex32(low)}`
      assert.equal(verifyP256({ message, signature: normalized, publicKey }), true)
      assert.equal(verifyP256({ message, signature: bytesToHex(theirs), publicKey }), s <= HALF_N)
    }
  })

  test('behavior: a changed message, signature bit or key is not valid', () => {
    const message = utf8ToBytes('test')
    const signature = hexToBytes(signP256({ message, privateKey: RFC6979_KEY.x }))
    assert.equal(
      verifyP256({ message: utf8ToBytes('tesu'), signature, publicKey: RFC6979_PUBLIC }),
      false,
    )
    for (const bit of [0, 7, 255, 256, 300, 511]) {
      const changed = Uint8Array.from(signature)
      changed[bit >> 3] = (changed[bit >> 3] as number) ^ (1 << (bit & 7))
      assert.equal(
        verifyP256({ message, signature: changed, publicKey: RFC6979_PUBLIC }),
        false,
        `bit ${bit}`,
      )
    }
    const other = receiptPublicKey(`0x${'42'.repeat(32)}`)
    assert.equal(verifyP256({ message, signature, publicKey: other }), false)
  })

  test('behavior: r or s of 0 or ≥ n is refused', () => {
    const message = utf8ToBytes('test')
    const signature = signP256({ message, privateKey: RFC6979_KEY.x })
    const r = signature.slice(2, 66)
    const s = signature.slice(66)
    for (const bad of [
      `0x${hex32(0n)}${s}`,
      `0x${r}${hex32(0n)}`,
      `0x${hex32(BigInt(`0x${r}`) + N)}${s}`,
      `0x${'ff'.repeat(32)}${s}`,
    ] as Hex[]) {
      assert.equal(verifyP256({ message, signature: bad, publicKey: RFC6979_PUBLIC }), false)
    }
  })

  test('behavior: a public key not on the curve is refused', () => {
    const message = utf8ToBytes('test')
    const signature = signP256({ message, privateKey: RFC6979_KEY.x })
    // y + 1: (x, y + 1) is not on the curve.
    const offCurve: Hex = `0x04${RFC6979_KEY.Ux}${hex32(BigInt(`0x${RFC6979_KEY.Uy}`) + 1n)}`
    assert.equal(verifyP256({ message, signature, publicKey: offCurve }), false)
    assert.throws(() => receiptKeyCommitment(offCurve), InvalidP256KeyError)
    // The identity / all zeros, and a compressed key (33 bytes) are refused too.
    assert.equal(verifyP256({ message, signature, publicKey: `0x04${'00'.repeat(64)}` }), false)
    assert.equal(
      verifyP256({ message, signature, publicKey: `0x02${RFC6979_KEY.Ux}` as Hex }),
      false,
    )
    // A coordinate ≥ p is refused even if it would reduce to the point.
    const p = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn
    const big: Hex = `0x04${hex32(BigInt(`0x${RFC6979_KEY.Ux}`) + p).slice(-64)}${RFC6979_KEY.Uy}`
    assert.equal(verifyP256({ message, signature, publicKey: big }), false)
  })

  test('receiptKeyCommitment: keccak256(x ‖ y) of the 64 coordinate bytes', () => {
    const commitment = receiptKeyCommitment(RFC6979_PUBLIC)
    assert.match(commitment, /^0x[0-9a-f]{64}$/)
    // keccak256 from viem over the same bytes: an independent implementation.
    return import('viem').then(({ keccak256 }) => {
      assert.equal(commitment, keccak256(`0x${RFC6979_KEY.Ux}${RFC6979_KEY.Uy}`))
      assert.equal(receiptKeyMatches({ publicKey: RFC6979_PUBLIC, commitment }), true)
      assert.equal(
        receiptKeyMatches({ publicKey: RFC6979_PUBLIC, commitment: commitment.toUpperCase() }),
        true,
      )
      assert.equal(
        receiptKeyMatches({ publicKey: RFC6979_PUBLIC, commitment: `0x${'00'.repeat(32)}` }),
        false,
      )
      assert.equal(receiptKeyMatches({ publicKey: 'junk', commitment }), false)
    })
  })

  describe('errors', () => {
    test('verify never throws on malformed input', () => {
      const message = new Uint8Array()
      const signature = signP256({ message, privateKey: RFC6979_KEY.x })
      const bad: unknown[] = ['0x', '0x1234', 'hello', 42, null, undefined, new Uint8Array(64), {}]
      for (const value of bad) {
        assert.equal(verifyP256({ message, signature, publicKey: value as Hex }), false)
        assert.equal(
          verifyP256({ message, signature: value as Hex, publicKey: RFC6979_PUBLIC }),
          false,
        )
      }
      assert.equal(
        verifyP256({
          message: 'not bytes' as unknown as Uint8Array,
          signature,
          publicKey: RFC6979_PUBLIC,
        }),
        false,
      )
    })

    test('a private key that is not 32 bytes, zero or ≥ n is refused with a clear message', () => {
      assert.throws(() => receiptPublicKey('0x1234'), {
        name: 'InvalidP256KeyError',
        message:
          'Invalid P-256 private key: expected 32 bytes (or 0x hex of 32 bytes) holding a scalar in [1, n - 1].\n\nDetails: Got "0x1234".',
      })
      for (const scalar of [0n, N, N + 1n]) {
        assert.throws(
          () => signP256({ message: new Uint8Array(), privateKey: `0x${hex32(scalar)}` }),
          InvalidP256KeyError,
        )
      }
      assert.throws(
        () => signP256({ message: new Uint8Array(), privateKey: new Uint8Array(64) }),
        (error: unknown) =>
          error instanceof InvalidP256KeyError && error.message.endsWith('Got 64 bytes.'),
      )
    })
  })
})
