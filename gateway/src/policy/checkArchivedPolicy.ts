import { bytesToHex, sha256, utf8ToBytes } from '@tml/core'
import type { ArchivedPolicy } from './PolicyArchive.ts'
import { PolicyArchiveError } from './PolicyArchiveError.ts'

/**
 * Checks a version before the archive keeps it: its document must hash to its `hash` (SHA-256
 * of the UTF-8 bytes), a `profile` must name its profile and a `set` none.
 *
 * @throws {PolicyArchiveError} naming the hash and what is wrong.
 * @example
 * checkArchivedPolicy(record) // every PolicyArchive calls it in keep()
 */
export function checkArchivedPolicy(record: ArchivedPolicy): void {
  const actual = bytesToHex(sha256(utf8ToBytes(record.document)))
  if (actual !== record.hash)
    throw new PolicyArchiveError(
      `Policy ${record.hash}: its document hashes to ${actual}, not to its hash`,
      { hash: record.hash },
    )
  if ((record.kind === 'profile') !== (record.profile !== null))
    throw new PolicyArchiveError(
      `Policy ${record.hash}: a ${record.kind} record ${record.profile === null ? 'needs' : 'has no'} a profile`,
      { hash: record.hash },
    )
}
