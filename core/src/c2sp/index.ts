export {
  InvalidNoteError,
  InvalidNoteKeyError,
  InvalidTileError,
  InvalidTlogCheckpointError,
  UnverifiedNoteError,
} from './C2spErrors.ts'
export { InvalidEd25519KeyError } from './InvalidEd25519KeyError.ts'
export { NOTE_ED25519, noteKeyHash } from './noteKeyHash.ts'
export { isValidNoteKeyName } from './noteKeyName.ts'
export {
  type NoteVerifier,
  noteSignerPublicKey,
  noteVerifierKey,
  parseNoteVerifierKey,
} from './noteVerifierKey.ts'
export { type OpenedNote, openNote } from './openNote.ts'
export { MAX_NOTE_SIGNATURES, type NoteSignature, type ParsedNote, parseNote } from './parseNote.ts'
export { type SignEd25519Parameters, signEd25519 } from './signEd25519.ts'
export { type NoteSigner, signNote } from './signNote.ts'
export {
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  encodeHashTile,
  entryBundlePath,
  MAX_BUNDLED_ENTRY,
  type ParsedTilePath,
  parseTilePath,
  TILE_HASH_SIZE,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  tileNodeIds,
  tilePath,
  tilesToPublish,
} from './tiles.ts'
export { formatTlogCheckpoint, parseTlogCheckpoint, type TlogCheckpoint } from './tlogCheckpoint.ts'
export { type VerifyEd25519Parameters, verifyEd25519 } from './verifyEd25519.ts'
