import { bytesToHex, canonicalize, type Hex, sha256, utf8ToBytes } from '@tml/core'
import type { ArchivedPolicy } from './PolicyArchive.ts'
import type { LoadedPolicy } from './types.ts'

/**
 * The archive records of a loaded policy set: one per profile (its RFC 8785 document, whose hash
 * is the `policy_hash` of that profile's MTLs, and its YAML as written) and one for the set
 * itself (the map of profiles to policy hashes, whose hash erasure records carry; the same value
 * as `DecisionService.policySetHash`).
 *
 * @example
 * await archive.keep(policyArchiveRecords({ policies: loadPolicies({ paths: ['policies'] }), now: Date.now() }))
 */
export function policyArchiveRecords({
  policies,
  now,
}: {
  policies: ReadonlyMap<string, LoadedPolicy>
  now: number
}): ArchivedPolicy[] {
  const records: ArchivedPolicy[] = [...policies].map(([profile, loaded]) => ({
    hash: loaded.hash,
    kind: 'profile',
    profile,
    // The parsed document is what was hashed; a LoadedPolicy made in code without it cannot be
    // archived faithfully, and checkArchivedPolicy refuses the mismatch.
    document: canonicalize(loaded.document ?? loaded.policy),
    source: loaded.source ?? null,
    firstSeenMs: now,
  }))
  const set = canonicalize(
    Object.fromEntries([...policies].map(([profile, loaded]) => [profile, loaded.hash])),
  )
  records.push({
    hash: bytesToHex(sha256(utf8ToBytes(set))) as Hex,
    kind: 'set',
    profile: null,
    document: set,
    source: null,
    firstSeenMs: now,
  })
  return records
}
