import { base64ToBytes } from '../bytes/base64.ts'
import { bytesToHex, type Hex } from '../bytes/hex.ts'
import { InvalidOtsError } from './InvalidOtsError.ts'
import type { OtsTimestamp } from './OtsProof.ts'
import { OTS_LIMITS } from './otsLimits.ts'
import { parseOts } from './parseOts.ts'

/** What an OpenTimestamps proof claims, before any block header is consulted. */
export type OtsSummary = {
  /** The digest the proof timestamps. */
  digest: Hex
  /** Calendars that hold the stamp until it is in a Bitcoin block (pending attestations). */
  pending: string[]
  /** Bitcoin block heights the proof claims to reach, without repeats. */
  bitcoinBlocks: number[]
  /** Attestations of other kinds (other chains, newer formats). */
  otherAttestations: number
}

/**
 * Reads a detached OpenTimestamps proof given as base64 (a proof bundle's `ots`) and lists what
 * it claims: its digest, the calendars still pending and the Bitcoin blocks it names. Claims
 * only: `verifyOtsBitcoin` checks a Bitcoin attestation against the block's header.
 *
 * Spec: python-opentimestamps serialization.
 *
 * @throws {InvalidOtsError} when the proof is not base64 or is malformed.
 * @example readOts(bundle.ots).pending // ['https://alice.btc.calendar.opentimestamps.org']
 */
export function readOts(base64: string): OtsSummary {
  if (typeof base64 !== 'string' || base64.length > Math.ceil(OTS_LIMITS.bytes / 3) * 4)
    throw new InvalidOtsError(`the file is larger than ${OTS_LIMITS.bytes} bytes`)
  let bytes: Uint8Array
  try {
    bytes = base64ToBytes(base64)
  } catch {
    throw new InvalidOtsError('not base64')
  }
  const proof = parseOts(bytes)
  const summary: OtsSummary = {
    digest: bytesToHex(proof.digest),
    pending: [],
    bitcoinBlocks: [],
    otherAttestations: 0,
  }
  const stack: OtsTimestamp[] = [proof.timestamp]
  for (let node = stack.pop(); node; node = stack.pop()) {
    for (const a of node.attestations) {
      if (a.kind === 'bitcoin') {
        if (!summary.bitcoinBlocks.includes(a.height)) summary.bitcoinBlocks.push(a.height)
      } else if (a.kind === 'pending') {
        if (!summary.pending.includes(a.uri)) summary.pending.push(a.uri)
      } else summary.otherAttestations++
    }
    for (let i = node.ops.length - 1; i >= 0; i--)
      stack.push((node.ops[i] as OtsTimestamp['ops'][number]).next)
  }
  return summary
}
