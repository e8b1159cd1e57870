import { BaseError } from '../errors/BaseError.ts'

/**
 * A signed note that is not well-formed (c2sp.org/signed-note §Format), or a text that cannot be
 * signed as one. The reason says which rule it breaks.
 *
 * @example
 * try { parseNote('no signatures\n') } catch (e) { e instanceof InvalidNoteError } // true
 */
export class InvalidNoteError extends BaseError {
  override name = 'InvalidNoteError' as const
  constructor(reason: string) {
    super('Malformed signed note.', { details: reason })
  }
}

/**
 * A well-formed note whose signatures do not let it be trusted: a signature by a known key fails,
 * or no known key signed it (c2sp.org/signed-note §Signatures: the text MUST then be ignored).
 *
 * @example
 * try { openNote({ note, verifiers: [] }) } catch (e) { e instanceof UnverifiedNoteError } // true
 */
export class UnverifiedNoteError extends BaseError {
  override name = 'UnverifiedNoteError' as const
  constructor(reason: string) {
    super('The signed note does not verify.', { details: reason })
  }
}

/**
 * A note key name, verifier key string or Ed25519 key that cannot be used (bad name, bad key
 * hash, unknown algorithm, wrong length).
 *
 * @example
 * try { parseNoteVerifierKey('a b+00000000+AQ==') } catch (e) { e instanceof InvalidNoteKeyError } // true
 */
export class InvalidNoteKeyError extends BaseError {
  override name = 'InvalidNoteKeyError' as const
  constructor(reason: string) {
    super('Invalid note key.', { details: reason })
  }
}

/**
 * A note text that is not a c2sp.org/tlog-checkpoint body (origin, decimal tree size, base64
 * root hash, optional non-empty extension lines), or values that cannot be written as one.
 *
 * @example
 * try { parseTlogCheckpoint('origin\n01\n…\n') } catch (e) { e instanceof InvalidTlogCheckpointError } // true
 */
export class InvalidTlogCheckpointError extends BaseError {
  override name = 'InvalidTlogCheckpointError' as const
  constructor(reason: string) {
    super('Invalid tlog checkpoint.', { details: reason })
  }
}

/**
 * A tile or entry bundle (c2sp.org/tlog-tiles) that is malformed: a path that is not canonical,
 * coordinates out of range, a bundle whose lengths do not add up, an entry above 65,535 bytes.
 *
 * @example
 * try { parseTilePath('tile/0/1234') } catch (e) { e instanceof InvalidTileError } // true
 */
export class InvalidTileError extends BaseError {
  override name = 'InvalidTileError' as const
  constructor(reason: string) {
    super('Invalid tile.', { details: reason })
  }
}
