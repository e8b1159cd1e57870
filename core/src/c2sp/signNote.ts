import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToBase64 } from '../bytes/base64.ts'
import type { Hex } from '../bytes/hex.ts'
import { utf8ToBytes } from '../bytes/utf8.ts'
import { InvalidNoteError } from './C2spErrors.ts'
import { ed25519Key } from './ed25519Key.ts'
import { noteKeyHash } from './noteKeyHash.ts'
import { noteTextProblem } from './parseNote.ts'

/** An Ed25519 note signer: the key's name (the log's origin, for a checkpoint) and its seed. */
export type NoteSigner = { name: string; privateKey: Hex | Uint8Array }

/**
 * Signs `text` as a note: the text, a blank line, then one line per signer,
 * `— <name> <base64(key ID ‖ Ed25519 signature of the text)>`. Byte for byte what `note.Sign` of
 * golang.org/x/mod/sumdb/note writes (Ed25519 is deterministic).
 *
 * Spec: c2sp.org/signed-note.
 *
 * @throws {InvalidNoteError} when the text does not end in a newline or holds a character a note
 *   cannot carry, or when no signer or the same key twice is given.
 * @throws {InvalidNoteKeyError} on an invalid key name; {@link InvalidEd25519KeyError} on a seed
 *   that is not 32 bytes.
 * @example
 * signNote({ text: 'example.com/log\n3\nq1w2…=\n', signers: [{ name: 'example.com/log', privateKey: seed }] })
 */
export function signNote({
  text,
  signers,
}: {
  text: string
  signers: readonly NoteSigner[]
}): string {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new InvalidNoteError('the note text must end with a newline')
  }
  const problem = noteTextProblem(text)
  if (problem) throw new InvalidNoteError(problem)
  if (signers.length === 0) throw new InvalidNoteError('a note needs at least one signer')
  const message = utf8ToBytes(text)
  const ids = new Set<string>()
  let lines = ''
  for (const { name, privateKey } of signers) {
    const seed = ed25519Key({ key: privateKey, what: 'private key' })
    const keyHash = noteKeyHash({ name, publicKey: ed25519.getPublicKey(seed) })
    const id = `${name}+${keyHash.toString(16).padStart(8, '0')}`
    // Verifiers keep one signature per key; a second one would only hide a mistake.
    if (ids.has(id)) throw new InvalidNoteError(`key ${id} given twice`)
    ids.add(id)
    const signed = new Uint8Array(68)
    new DataView(signed.buffer).setUint32(0, keyHash)
    signed.set(ed25519.sign(message, seed), 4)
    lines += `\u2014 ${name} ${bytesToBase64(signed)}\n`
  }
  return `${text}\n${lines}`
}
