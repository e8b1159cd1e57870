import { createPrivateKey, createPublicKey, sign } from 'node:crypto'
import { createRequire } from 'node:module'
import { bytesToHex, canonicalize, type Hex, type Receipt, type SignedReceipt } from '@tml/core'

/** Which Ed25519 implementation signs: libsodium (`sodium-native`) or Node's OpenSSL. */
export type Ed25519Backend = 'libsodium' | 'openssl'

/** Signs receipts with the log's Ed25519 receipt key. */
export type ReceiptSigner = {
  /** The 32-byte Ed25519 public key, `0x` hex: what the log declares on chain. */
  publicKey: Hex
  /** The implementation in use. */
  backend: Ed25519Backend
  sign(receipt: Receipt): SignedReceipt
  /** Ed25519 signature of arbitrary bytes with the same key (gateway statements). */
  signBytes(message: Uint8Array): Hex
}

/** Options of {@link createReceiptSigner}. */
export type CreateReceiptSignerOptions = {
  /** Default: libsodium when its addon loads on this platform, else OpenSSL. */
  backend?: Ed25519Backend
}

type Sodium = {
  crypto_sign_seed_keypair(publicKey: Buffer, secretKey: Buffer, seed: Buffer): void
  crypto_sign_detached(signature: Buffer, message: Uint8Array, secretKey: Buffer): void
}

// Loaded once; undefined where no prebuilt addon exists (OpenSSL then signs).
const sodium: Sodium | undefined = (() => {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium
  } catch {
    return undefined
  }
})()

// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410 §7): Node imports keys only in DER or PEM.
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

/**
 * A receipt signer for the decision lane: libsodium's Ed25519 (`sodium-native`, about twice as
 * fast as Node's OpenSSL here, and one signature per decision is the largest single cost of the
 * lane), or Node's OpenSSL where the addon does not load. Ed25519 is deterministic
 * (RFC 8032 §5.1.6): both produce exactly the bytes of core's `signReceipt`, which a test checks
 * for each, and core's `verifyReceipt` accepts them.
 *
 * Spec: RFC 8032 (Ed25519), RFC 8410 (key encoding), RFC 8785 (signed bytes).
 *
 * @example
 * const signer = createReceiptSigner(seed)
 * const signed = signer.sign({ v: 'tml-receipt/1', logId, traceId, seq, leafHash, timestamp })
 */
export function createReceiptSigner(
  seed: Uint8Array,
  { backend = sodium ? 'libsodium' : 'openssl' }: CreateReceiptSignerOptions = {},
): ReceiptSigner {
  if (seed.length !== 32) throw new RangeError('An Ed25519 receipt key is a 32-byte seed')
  const der = new Uint8Array(48)
  der.set(PKCS8_ED25519_PREFIX)
  der.set(seed, 16)
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  const publicKey = bytesToHex(new Uint8Array(spki.subarray(spki.length - 32)))
  const signBytes = backend === 'libsodium' ? libsodiumSigner(seed) : opensslSigner(key)
  return {
    publicKey,
    backend,
    signBytes,
    sign: (receipt) => {
      // The bytes of core's receiptSigningBytes: RFC 8785 of the six fields, signature excluded.
      const { v, logId, traceId, seq, leafHash, timestamp } = receipt
      const text = canonicalize({ v, logId, traceId, seq, leafHash, timestamp })
      return { ...receipt, signature: signBytes(Buffer.from(text)) }
    },
  }
}

function opensslSigner(key: ReturnType<typeof createPrivateKey>): (message: Uint8Array) => Hex {
  return (message) => `0x${sign(null, message, key).toString('hex')}`
}

function libsodiumSigner(seed: Uint8Array): (message: Uint8Array) => Hex {
  if (!sodium) throw new RangeError('libsodium (sodium-native) is not available on this platform')
  const lib = sodium
  const publicKey = Buffer.alloc(32)
  const secretKey = Buffer.alloc(64)
  lib.crypto_sign_seed_keypair(publicKey, secretKey, Buffer.from(seed))
  return (message) => {
    const signature = Buffer.allocUnsafe(64)
    lib.crypto_sign_detached(signature, message, secretKey)
    return `0x${signature.toString('hex')}`
  }
}
