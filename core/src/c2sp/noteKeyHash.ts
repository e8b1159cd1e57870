import { utf8ToBytes } from '../bytes/utf8.ts'
import { type Sha256, sha256 } from '../hash/sha256.ts'
import { InvalidNoteKeyError } from './C2spErrors.ts'
import { isValidNoteKeyName } from './noteKeyName.ts'

/** The signature type byte of Ed25519 in signed notes (c2sp.org/signed-note §Signature types). */
export const NOTE_ED25519 = 0x01

/**
 * The key ID of an Ed25519 note key: the first four bytes, big-endian, of
 * SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key). It identifies the key in signature lines and
 * verifier key strings; it is not a commitment (verifiers are configured with the whole key).
 *
 * Spec: c2sp.org/signed-note §Ed25519 signatures.
 *
 * @throws {InvalidNoteKeyError} when the name is not a valid key name or the key is not 32 bytes.
 * @example
 * noteKeyHash({ name: 'PeterNeumann', publicKey }) // 0xc74f20a3
 */
export function noteKeyHash({
  name,
  publicKey,
  hash = sha256,
}: {
  name: string
  publicKey: Uint8Array
  hash?: Sha256
}): number {
  if (!isValidNoteKeyName(name)) {
    throw new InvalidNoteKeyError(
      `key name ${JSON.stringify(name)} must be non-empty, without spaces or "+"`,
    )
  }
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new InvalidNoteKeyError('an Ed25519 public key is 32 bytes')
  }
  const digest = hash(utf8ToBytes(name), new Uint8Array([0x0a, NOTE_ED25519]), publicKey)
  // >>> 0 keeps the top bit as a positive uint32 instead of JavaScript's signed 32-bit result.
  return (
    (((digest[0] as number) << 24) |
      ((digest[1] as number) << 16) |
      ((digest[2] as number) << 8) |
      (digest[3] as number)) >>>
    0
  )
}
