import { hexToBytes, isHex } from '../bytes/hex.ts'
import { describeValue } from './describeValue.ts'
import { InvalidCheckpointSignatureError } from './InvalidCheckpointSignatureError.ts'

// secp256k1 group order n, and n / 2 (EIP-2: a valid s is at most n / 2).
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const HALF_N = N >> 1n

/**
 * Asserts that a secp256k1 signature has the one form that OpenZeppelin's `ECDSA.tryRecover`
 * accepts: 65 bytes `r ‖ s ‖ v`, v = 27 or 28, 0 < r < n, 0 < s ≤ n / 2. Without the s check,
 * anyone could turn a valid signature into a second valid one (s → n − s), and two signatures
 * of one checkpoint would pass here and fail on chain.
 *
 * Spec: EIP-2 (low s), OpenZeppelin Contracts 5 `ECDSA.tryRecover(bytes32, bytes)`.
 *
 * @throws {InvalidCheckpointSignatureError} saying which rule failed.
 * @example
 * assertCanonicalSignature(signature) // throws on a high-s signature
 */
export function assertCanonicalSignature(signature: unknown): void {
  if (!isHex(signature)) {
    throw new InvalidCheckpointSignatureError(`expected 0x hex, got ${describeValue(signature)}`)
  }
  const bytes = hexToBytes(signature)
  if (bytes.length !== 65)
    throw new InvalidCheckpointSignatureError(`expected 65 bytes, got ${bytes.length}`)
  const r = BigInt(signature.slice(0, 66))
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  const v = bytes[64] as number
  if (v !== 27 && v !== 28)
    throw new InvalidCheckpointSignatureError(`expected v = 27 or 28, got ${v}`)
  if (r === 0n || r >= N) throw new InvalidCheckpointSignatureError('r is out of range')
  if (s === 0n) throw new InvalidCheckpointSignatureError('s is zero')
  if (s > HALF_N)
    throw new InvalidCheckpointSignatureError('s is in the upper half of the curve order (EIP-2)')
}
