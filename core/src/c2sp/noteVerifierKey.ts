import { ed25519 } from '@noble/curves/ed25519.js'
import { base64ToBytes, bytesToBase64, InvalidBase64Error } from '../bytes/base64.ts'
import type { Hex } from '../bytes/hex.ts'
import { InvalidNoteKeyError } from './C2spErrors.ts'
import { ed25519Key } from './ed25519Key.ts'
import { NOTE_ED25519, noteKeyHash } from './noteKeyHash.ts'
import { isValidNoteKeyName } from './noteKeyName.ts'

/** A note verifier: who signs (`name`), the key ID lines carry, and the Ed25519 public key. */
export type NoteVerifier = { name: string; keyHash: number; publicKey: Uint8Array }

/**
 * The verifier key string of an Ed25519 note key, `<name>+<key ID, 8 hex digits>+<base64(0x01 ‖
 * public key)>`: what `note.NewVerifier` of golang.org/x/mod/sumdb/note and witnesses take.
 * Pass the public key, or the 32-byte seed as `privateKey`.
 *
 * Spec: c2sp.org/signed-note; golang.org/x/mod/sumdb/note (verifier key format).
 *
 * @throws {InvalidNoteKeyError} on an invalid name or key.
 * @example
 * noteVerifierKey({ name: 'PeterNeumann', publicKey })
 * // 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
 */
export function noteVerifierKey(
  p: { name: string; publicKey: Uint8Array } | { name: string; privateKey: Hex | Uint8Array },
): string {
  const publicKey = 'publicKey' in p ? p.publicKey : noteSignerPublicKey(p.privateKey)
  const keyHash = noteKeyHash({ name: p.name, publicKey })
  const encoded = bytesToBase64(Uint8Array.of(NOTE_ED25519, ...publicKey))
  return `${p.name}+${keyHash.toString(16).padStart(8, '0')}+${encoded}`
}

/**
 * Reads a verifier key string (`name+hash+base64`), checking what Go's `note.NewVerifier` checks:
 * a valid name, 8 hex digits, algorithm 0x01 (Ed25519) with a 32-byte key, and a key ID that is
 * the hash of that name and key.
 *
 * @throws {InvalidNoteKeyError} naming the part that is wrong.
 * @example
 * parseNoteVerifierKey('PeterNeumann+c74f20a3+ARpc…10TW') // { name: 'PeterNeumann', keyHash: 0xc74f20a3, publicKey }
 */
export function parseNoteVerifierKey(vkey: string): NoteVerifier {
  if (typeof vkey !== 'string') throw new InvalidNoteKeyError('a verifier key is a string')
  const first = vkey.indexOf('+')
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1)
  if (second < 0) throw new InvalidNoteKeyError('expected <name>+<key hash>+<base64 key>')
  const name = vkey.slice(0, first)
  const hash16 = vkey.slice(first + 1, second)
  const key64 = vkey.slice(second + 1)
  if (!isValidNoteKeyName(name)) {
    throw new InvalidNoteKeyError(`key name ${JSON.stringify(name)} is not a valid note key name`)
  }
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) {
    throw new InvalidNoteKeyError(`key hash ${JSON.stringify(hash16)} is not 8 hex digits`)
  }
  let key: Uint8Array
  try {
    key = base64ToBytes(key64)
  } catch (e) {
    if (e instanceof InvalidBase64Error) throw new InvalidNoteKeyError('the key is not base64')
    throw e
  }
  if (key[0] !== NOTE_ED25519) {
    throw new InvalidNoteKeyError(
      `unknown signature type ${key[0] ?? 'none'}: only Ed25519 (0x01) is supported`,
    )
  }
  const publicKey = key.slice(1)
  const keyHash = noteKeyHash({ name, publicKey })
  if (keyHash !== Number.parseInt(hash16, 16)) {
    throw new InvalidNoteKeyError(
      `key hash ${hash16} does not match the name and key (expected ${keyHash.toString(16).padStart(8, '0')})`,
    )
  }
  return { name, keyHash, publicKey }
}

/**
 * The Ed25519 public key of a note signing key (32-byte seed).
 *
 * @throws {InvalidEd25519KeyError} when the seed is not 32 bytes.
 */
export function noteSignerPublicKey(privateKey: Hex | Uint8Array): Uint8Array {
  return ed25519.getPublicKey(ed25519Key({ key: privateKey, what: 'private key' }))
}
