import { hexToBytes, isHex } from '../bytes/hex.ts'
import { InvalidEd25519KeyError } from './InvalidEd25519KeyError.ts'

/**
 * The 32 bytes of an Ed25519 key given as bytes or as `0x` hex (either case). Internal helper of
 * the receipt functions; copies, so that a caller's buffer is never kept or changed.
 *
 * @throws {InvalidEd25519KeyError} when it is not 32 bytes.
 * @example ed25519Key({ key: '0x9d61…7f60', what: 'private key' }) // Uint8Array(32)
 */
export function ed25519Key({
  key,
  what,
}: {
  key: unknown
  what: 'private key' | 'public key'
}): Uint8Array {
  if (key instanceof Uint8Array && key.length === 32) return Uint8Array.from(key)
  if (isHex(key, 32)) return hexToBytes(key)
  throw new InvalidEd25519KeyError(what, key)
}
