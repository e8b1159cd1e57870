import { equalBytes } from '../bytes/equalBytes.ts'
import { bytesToHex, type Hex } from '../bytes/hex.ts'
import { BitcoinHeaderError } from './BitcoinHeaderError.ts'
import { readBitcoinHeader } from './bitcoinHeader.ts'
import { otsAttestations } from './otsAttestations.ts'
import { parseOts } from './parseOts.ts'

/**
 * Where Bitcoin block headers come from: the 80-byte header of the block at `height` in the
 * best chain. Rejects (with {@link BitcoinHeaderError}) when it cannot answer. The verifier
 * trusts this source for the headers: configure one you trust (your own node's Esplora, or
 * several and compare).
 *
 * @example
 * const fetchHeader: BitcoinHeaderSource = esploraHeaderSource({ baseUrl: 'https://blockstream.info/api', fetch })
 */
export type BitcoinHeaderSource = (height: number) => Promise<Uint8Array>

/** How one Bitcoin attestation of a proof fared against its block's header. */
export type BitcoinAttestationCheck =
  | { height: number; status: 'verified'; blockHash: Hex; blockTime: number }
  | { height: number; status: 'mismatch'; blockHash: Hex; expected: Hex; found: Hex }
  | { height: number; status: 'unavailable'; reason: string }

/** What {@link verifyOtsBitcoin} found. */
export type VerifyOtsBitcoinReturnType = {
  /** The digest the proof timestamps. */
  digest: Hex
  /** Calendars whose attestation is still pending. */
  pending: string[]
  /** One check per distinct Bitcoin attestation (height and message). */
  bitcoin: BitcoinAttestationCheck[]
  /** Attestations of kinds not checked here. */
  otherAttestations: number
}

/** Parameters of {@link verifyOtsBitcoin}. */
export type VerifyOtsBitcoinParameters = {
  /** The `.ots` file's bytes, untrusted. */
  ots: Uint8Array
  /** Without one, Bitcoin attestations are `unavailable`. */
  fetchHeader: BitcoinHeaderSource | undefined
}

/**
 * Checks an OpenTimestamps proof against Bitcoin: replays its commitment operations from the
 * digest to every Bitcoin block header attestation and compares the resulting message with the
 * merkle root of that block's header (in the header's byte order), as `ots verify` does. A
 * match means the digest existed by the block's time. Headers are asked once per height; a
 * source that cannot answer leaves that attestation `unavailable`, which is not a failure.
 * Whether the digest is the one expected (a checkpoint root) is the caller's comparison.
 *
 * Spec: python-opentimestamps `BitcoinBlockHeaderAttestation.verify_against_blockheader`.
 *
 * @throws {InvalidOtsError} when the proof is malformed.
 * @example
 * const result = await verifyOtsBitcoin({ ots: base64ToBytes(bundle.ots), fetchHeader })
 * result.bitcoin.filter((b) => b.status === 'verified').map((b) => b.height)
 */
export async function verifyOtsBitcoin({
  ots,
  fetchHeader,
}: VerifyOtsBitcoinParameters): Promise<VerifyOtsBitcoinReturnType> {
  const proof = parseOts(ots)
  const result: VerifyOtsBitcoinReturnType = {
    digest: bytesToHex(proof.digest),
    pending: [],
    bitcoin: [],
    otherAttestations: 0,
  }
  const headers = new Map<number, Promise<Uint8Array>>()
  const seen = new Set<string>()
  for (const { attestation, message } of otsAttestations(proof)) {
    if (attestation.kind === 'pending') {
      if (!result.pending.includes(attestation.uri)) result.pending.push(attestation.uri)
      continue
    }
    if (attestation.kind !== 'bitcoin') {
      result.otherAttestations++
      continue
    }
    const { height } = attestation
    const key = `${height} ${bytesToHex(message)}`
    if (seen.has(key)) continue
    seen.add(key)
    if (fetchHeader === undefined) {
      result.bitcoin.push({ height, status: 'unavailable', reason: 'no Bitcoin header source' })
      continue
    }
    let header: ReturnType<typeof readBitcoinHeader>
    try {
      let pending = headers.get(height)
      if (!pending) {
        pending = fetchHeader(height)
        headers.set(height, pending)
      }
      header = readBitcoinHeader(await pending)
    } catch (e) {
      const reason =
        e instanceof BitcoinHeaderError ? e.shortMessage : `the header source failed: ${String(e)}`
      result.bitcoin.push({ height, status: 'unavailable', reason: reason.slice(0, 300) })
      continue
    }
    if (message.length === 32 && equalBytes(message, header.merkleRoot))
      result.bitcoin.push({
        height,
        status: 'verified',
        blockHash: header.hash,
        blockTime: header.time,
      })
    else
      result.bitcoin.push({
        height,
        status: 'mismatch',
        blockHash: header.hash,
        expected: bytesToHex(message.slice(0, 64)),
        found: bytesToHex(header.merkleRoot),
      })
  }
  return result
}
