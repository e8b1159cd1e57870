import { base64ToBytes, InvalidBase64Error } from '../bytes/base64.ts'
import { bytesToUtf8 } from '../bytes/utf8.ts'
import { InvalidNoteError } from './C2spErrors.ts'
import { isValidNoteKeyName } from './noteKeyName.ts'

/** One signature line of a note: the key's name and ID, and the signature bytes after the ID. */
export type NoteSignature = { name: string; keyHash: number; signature: Uint8Array }

/** A note split into its text and its signature lines, none of them verified yet. */
export type ParsedNote = { text: string; signatures: NoteSignature[] }

/**
 * Most signature lines read from one note. The spec asks verifiers to accept at least 16; Go's
 * `note.Open` stops at 100, and so do we, so that a huge note cannot cost unbounded work.
 */
export const MAX_NOTE_SIGNATURES = 100

const SIGNATURE_PREFIX = '\u2014 ' // em dash, space
// Control characters other than newline, and unpaired surrogates (no UTF-8 form).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f]|[\uD800-\uDFFF]/u

/**
 * The rule every note and note text obeys: valid UTF-8 (here: no lone surrogate) and no ASCII
 * control character but newline. Returns the reason it fails, or undefined. Internal.
 */
export function noteTextProblem(text: string): string | undefined {
  const bad = FORBIDDEN.exec(text)
  if (!bad) return undefined
  const code = (bad[0].codePointAt(0) as number).toString(16).padStart(4, '0')
  return `character U+${code} at offset ${bad.index}: notes are UTF-8 without control characters other than newline`
}

/**
 * Splits a signed note into its text and signature lines, as `note.Open` of
 * golang.org/x/mod/sumdb/note reads it: the text ends at the last blank line and keeps its final
 * newline; each following line is `— <name> <base64(key ID ‖ signature)>`. Nothing is verified:
 * use {@link openNote} before trusting the text.
 *
 * Spec: c2sp.org/signed-note §Format, §Signatures.
 *
 * @throws {InvalidNoteError} naming the rule the note breaks.
 * @example
 * parseNote('hello\n\n— example.com/k AAAAAQ…\n') // { text: 'hello\n', signatures: [{ name: 'example.com/k', … }] }
 */
export function parseNote(note: string | Uint8Array): ParsedNote {
  let message: string
  if (note instanceof Uint8Array) {
    try {
      message = bytesToUtf8(note)
    } catch {
      throw new InvalidNoteError('the note is not valid UTF-8')
    }
  } else if (typeof note === 'string') {
    message = note
  } else {
    throw new InvalidNoteError('a note is a string or UTF-8 bytes')
  }
  const problem = noteTextProblem(message)
  if (problem) throw new InvalidNoteError(problem)
  const split = message.lastIndexOf('\n\n')
  if (split < 0) throw new InvalidNoteError('no blank line before the signatures')
  const text = message.slice(0, split + 1)
  const block = message.slice(split + 2)
  if (block === '') throw new InvalidNoteError('no signature line after the blank line')
  if (!block.endsWith('\n')) throw new InvalidNoteError('the last signature line has no newline')
  const lines = block.slice(0, -1).split('\n')
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new InvalidNoteError(
      `${lines.length} signature lines, more than ${MAX_NOTE_SIGNATURES} are refused`,
    )
  }
  const signatures = lines.map((line, i) => parseSignatureLine(line, i))
  return { text, signatures }
}

function parseSignatureLine(line: string, i: number): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw new InvalidNoteError(`signature line ${i + 1} does not start with "— "`)
  }
  const rest = line.slice(SIGNATURE_PREFIX.length)
  const space = rest.indexOf(' ')
  const name = space < 0 ? rest : rest.slice(0, space)
  const encoded = space < 0 ? '' : rest.slice(space + 1)
  if (!isValidNoteKeyName(name)) {
    throw new InvalidNoteError(`signature line ${i + 1}: ${JSON.stringify(name)} is not a key name`)
  }
  let bytes: Uint8Array
  try {
    bytes = base64ToBytes(encoded)
  } catch (e) {
    if (!(e instanceof InvalidBase64Error)) throw e
    throw new InvalidNoteError(`signature line ${i + 1}: the signature is not base64`)
  }
  // Four bytes of key ID and at least one of signature.
  if (bytes.length < 5) {
    throw new InvalidNoteError(`signature line ${i + 1}: ${bytes.length} bytes, too short`)
  }
  const keyHash =
    (((bytes[0] as number) << 24) |
      ((bytes[1] as number) << 16) |
      ((bytes[2] as number) << 8) |
      (bytes[3] as number)) >>>
    0
  return { name, keyHash, signature: bytes.slice(4) }
}
