import { bytesToBase64 } from '../bytes/base64.ts'
import { UnverifiedNoteError } from './C2spErrors.ts'
import { type NoteVerifier, parseNoteVerifierKey } from './noteVerifierKey.ts'
import { type NoteSignature, parseNote } from './parseNote.ts'
import { verifyEd25519 } from './verifyEd25519.ts'

/** A note whose text may be trusted: signed by at least one known key. */
export type OpenedNote = {
  text: string
  /** Signatures by the known keys, each verified (one per key). */
  verified: NoteSignature[]
  /** Signatures by keys not given (ignored, as the spec requires; witnesses' cosignatures, say). */
  unverified: NoteSignature[]
}

/**
 * Verifies a signed note against the keys the caller trusts and returns its text, following
 * c2sp.org/signed-note and Go's `note.Open`: signatures by unknown keys are ignored (a name or
 * an ID alone does not make a key known), a failing signature by a known key rejects the whole
 * note, and a note that no known key signed is rejected. Ed25519 is checked strictly (RFC 8032,
 * canonical encodings only).
 *
 * @throws {InvalidNoteError} when the note is malformed (see {@link parseNote}).
 * @throws {UnverifiedNoteError} when a known key's signature fails, two given keys share a name
 *   and ID, or no known key signed.
 * @throws {InvalidNoteKeyError} when a verifier key string is malformed.
 * @example
 * const { text } = openNote({ note, verifiers: ['tml-anchor/5f3a…+1a2b3c4d+AV…'] })
 */
export function openNote({
  note,
  verifiers,
}: {
  note: string | Uint8Array
  verifiers: readonly (NoteVerifier | string)[]
}): OpenedNote {
  const known = verifiers.map((v) => (typeof v === 'string' ? parseNoteVerifierKey(v) : v))
  const { text, signatures } = parseNote(note)
  const message = new TextEncoder().encode(text)
  const verified: NoteSignature[] = []
  const unverified: NoteSignature[] = []
  const seen = new Set<string>()
  for (const s of signatures) {
    const id = `${s.name}+${s.keyHash.toString(16).padStart(8, '0')}`
    const matches = known.filter((k) => k.name === s.name && k.keyHash === s.keyHash)
    if (matches.length === 0) {
      // The same unknown line twice is kept once, as Go does.
      const line = `${id} ${bytesToBase64(s.signature)}`
      if (!seen.has(line)) unverified.push(s)
      seen.add(line)
      continue
    }
    if (matches.length > 1) throw new UnverifiedNoteError(`ambiguous key ${id}: given twice`)
    if (seen.has(id)) continue
    seen.add(id)
    const key = matches[0] as NoteVerifier
    if (!verifyEd25519({ message, signature: s.signature, publicKey: key.publicKey })) {
      throw new UnverifiedNoteError(`invalid signature for key ${id}`)
    }
    verified.push(s)
  }
  if (verified.length === 0) {
    throw new UnverifiedNoteError(
      `no signature by a known key (signed by ${signatures.map((s) => s.name).join(', ')})`,
    )
  }
  return { text, verified, unverified }
}
