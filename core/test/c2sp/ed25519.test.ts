import assert from 'node:assert/strict'
import {
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'
import { describe, test } from 'node:test'
import { bytesToHex, type Hex, hexToBytes } from '../../src/bytes/hex.ts'
import { InvalidEd25519KeyError } from '../../src/c2sp/InvalidEd25519KeyError.ts'
import { noteSignerPublicKey } from '../../src/c2sp/noteVerifierKey.ts'
import { signEd25519 } from '../../src/c2sp/signEd25519.ts'
import { verifyEd25519 } from '../../src/c2sp/verifyEd25519.ts'

// RFC 8032 §7.1, Ed25519 tests 1, 2, 3 and SHA(abc).
const RFC8032: { desc: string; secretKey: Hex; publicKey: Hex; message: Hex; signature: Hex }[] = [
  {
    desc: 'TEST 1 (empty message)',
    secretKey: '0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: '0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '0x',
    signature:
      '0xe5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    desc: 'TEST 2 (one byte)',
    secretKey: '0x4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '0x3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '0x72',
    signature:
      '0x92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    desc: 'TEST 3 (two bytes)',
    secretKey: '0xc5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: '0xfc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: '0xaf82',
    signature:
      '0x6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    desc: 'TEST SHA(abc) (64 bytes)',
    secretKey: '0x833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: '0xec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      '0xddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      '0xdc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
]

// PKCS #8 / SPKI wrappers of raw Ed25519 keys (RFC 8410), to hand them to OpenSSL through Node.
const nodePrivateKey = (seed: Hex) =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), hexToBytes(seed)]),
    format: 'der',
    type: 'pkcs8',
  })
const nodePublicKey = (key: Hex) =>
  createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), hexToBytes(key)]),
    format: 'der',
    type: 'spki',
  })

// L, the order of the Ed25519 base point.
const L = 2n ** 252n + 27742317777372353535851937790883648493n

// Ed25519 signs C2SP notes (tlog checkpoints); receipts are P-256 (test/receipt/p256.test.ts).
const edPublicKey = (seed: Hex | Uint8Array): Hex => bytesToHex(noteSignerPublicKey(seed))

describe('Ed25519 of C2SP notes (signEd25519 / verifyEd25519)', () => {
  for (const vector of RFC8032) {
    test(`default: RFC 8032 §7.1 ${vector.desc}`, () => {
      const message = hexToBytes(vector.message)
      assert.equal(edPublicKey(vector.secretKey), vector.publicKey)
      assert.equal(signEd25519({ message, privateKey: vector.secretKey }), vector.signature)
      assert.equal(
        verifyEd25519({ message, signature: vector.signature, publicKey: vector.publicKey }),
        true,
      )
      // OpenSSL (through Node) is an independent implementation: same bytes, same verdict.
      const openssl = nodeSign(null, message, nodePrivateKey(vector.secretKey))
      assert.equal(bytesToHex(openssl), vector.signature)
      assert.equal(
        nodeVerify(null, message, nodePublicKey(vector.publicKey), hexToBytes(vector.signature)),
        true,
      )
    })
  }

  test('behavior: keys and signatures as bytes or upper-case hex work alike', () => {
    const [vector] = RFC8032 as [(typeof RFC8032)[number]]
    const message = hexToBytes(vector.message)
    assert.equal(edPublicKey(hexToBytes(vector.secretKey)), vector.publicKey)
    assert.equal(
      verifyEd25519({
        message,
        signature: hexToBytes(vector.signature),
        publicKey: `0x${vector.publicKey.slice(2).toUpperCase()}`,
      }),
      true,
    )
  })

  test('behavior: a changed message, signature bit or key is not valid', () => {
    const vector = RFC8032[2] as (typeof RFC8032)[number]
    const message = hexToBytes(vector.message)
    const signature = hexToBytes(vector.signature)
    assert.equal(
      verifyEd25519({ message: hexToBytes('0xaf83'), signature, publicKey: vector.publicKey }),
      false,
    )
    for (const bit of [0, 7, 255, 256, 300, 511]) {
      const changed = Uint8Array.from(signature)
      changed[bit >> 3] = (changed[bit >> 3] as number) ^ (1 << (bit & 7))
      assert.equal(
        verifyEd25519({ message, signature: changed, publicKey: vector.publicKey }),
        false,
        `bit ${bit}`,
      )
    }
    assert.equal(
      verifyEd25519({
        message,
        signature,
        publicKey: (RFC8032[1] as (typeof RFC8032)[number]).publicKey,
      }),
      false,
    )
  })

  test('behavior: S + L (malleable, non-canonical S) is refused, as by OpenSSL', () => {
    const vector = RFC8032[1] as (typeof RFC8032)[number]
    const message = hexToBytes(vector.message)
    const signature = hexToBytes(vector.signature)
    let s = 0n
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i] as number)
    const malleable = Uint8Array.from(signature)
    let t = s + L
    for (let i = 32; i < 64; i++) {
      malleable[i] = Number(t & 0xffn)
      t >>= 8n
    }
    assert.equal(
      verifyEd25519({ message, signature: malleable, publicKey: vector.publicKey }),
      false,
    )
    assert.equal(nodeVerify(null, message, nodePublicKey(vector.publicKey), malleable), false)
  })

  test('behavior: a small-order public key (the identity) is refused', () => {
    const identity: Hex = `0x01${'00'.repeat(31)}`
    // With A = identity and R = identity, S = 0 satisfies the equation for every message.
    const signature: Hex = `0x01${'00'.repeat(63)}`
    assert.equal(
      verifyEd25519({ message: new Uint8Array([1, 2, 3]), signature, publicKey: identity }),
      false,
    )
  })

  describe('errors', () => {
    test('verify never throws on malformed input', () => {
      const vector = RFC8032[0] as (typeof RFC8032)[number]
      const message = new Uint8Array()
      const bad: unknown[] = ['0x', '0x1234', 'hello', 42, null, undefined, new Uint8Array(31), {}]
      for (const value of bad) {
        assert.equal(
          verifyEd25519({ message, signature: vector.signature, publicKey: value as Hex }),
          false,
        )
        assert.equal(
          verifyEd25519({ message, signature: value as Hex, publicKey: vector.publicKey }),
          false,
        )
      }
      assert.equal(
        verifyEd25519({
          message: 'not bytes' as unknown as Uint8Array,
          signature: vector.signature,
          publicKey: vector.publicKey,
        }),
        false,
      )
    })

    test('a private key that is not 32 bytes is refused with a clear message', () => {
      assert.throws(() => edPublicKey('0x1234'), {
        name: 'InvalidEd25519KeyError',
        message:
          'Invalid Ed25519 private key: expected 32 bytes or 0x hex of 32 bytes.\n\nDetails: Got "0x1234".',
      })
      assert.throws(
        () => signEd25519({ message: new Uint8Array(), privateKey: new Uint8Array(64) }),
        (error: unknown) =>
          error instanceof InvalidEd25519KeyError && error.message.endsWith('Got 64 bytes.'),
      )
    })
  })
})
