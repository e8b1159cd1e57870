import { type Hex, isValidNoteKeyName } from '@tml/core'

/** Thrown when a configured C2SP origin cannot also be the note key's name. */
export class TilesOriginError extends Error {
  override name = 'TilesOriginError' as const
}

/**
 * The origin line of the log's C2SP checkpoints, which is also the name of its note key:
 * `origin` when the operator configured one (`TML_TILES_ORIGIN`, e.g. the URL prefix the tiles
 * are served at, without scheme), else `tml-anchor/<log id in hex, no 0x>`, unique per log.
 *
 * Spec: c2sp.org/tlog-checkpoint (origin), c2sp.org/tlog-tiles (origin SHOULD be the prefix).
 *
 * @throws {TilesOriginError} when the origin is not a valid note key name (empty, a space, a +).
 * @example
 * tilesOrigin({ logId: '0x5f3a…' }) // 'tml-anchor/5f3a…'
 */
export function tilesOrigin({
  logId,
  origin,
}: {
  logId: Hex
  origin?: string | undefined
}): string {
  const value = origin === undefined || origin === '' ? `tml-anchor/${logId.slice(2)}` : origin
  if (!isValidNoteKeyName(value)) {
    throw new TilesOriginError(
      `the C2SP origin ${JSON.stringify(value)} must be non-empty, without spaces or "+" (it names the note key too)`,
    )
  }
  return value
}
