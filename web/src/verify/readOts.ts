import { base64ToBytes, bytesToHex, type Hex } from '@tml/core'

/** What an OpenTimestamps proof attests, as far as the browser can tell without Bitcoin. */
export type OtsSummary = {
  /** The digest the proof timestamps. */
  digest: Hex
  /** Calendars that hold the stamp until it is in a Bitcoin block (pending attestations). */
  pending: string[]
  /** Bitcoin block heights the proof claims to reach. */
  bitcoinBlocks: number[]
  /** Attestations of other kinds (other chains, newer formats). */
  otherAttestations: number
}

const MAGIC = [
  0x00, 0x4f, 0x70, 0x65, 0x6e, 0x54, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, 0x73, 0x00,
  0x00, 0x50, 0x72, 0x6f, 0x6f, 0x66, 0x00, 0xbf, 0x89, 0xe2, 0xe8, 0x84, 0xe8, 0x92, 0x94,
]
const BITCOIN = '0588960d73d71901'
const PENDING = '83dfe30d2ef90c8e'
/** Digest length per hash op tag (sha1, ripemd160, sha256, keccak256). */
const HASH_OPS: Record<number, number> = { 2: 20, 3: 20, 8: 32, 103: 32 }
const UNARY_OPS = new Set([0x02, 0x03, 0x08, 0x67, 0xf2, 0xf3])
const BINARY_OPS = new Set([0xf0, 0xf1])
// Bounds for untrusted input: real proofs are a few hundred bytes and a few levels deep.
const MAX_BYTES = 64 * 1024
const MAX_DEPTH = 256
const MAX_ATTESTATIONS = 64

/**
 * Reads a detached OpenTimestamps proof (`.ots`, base64 as in a proof bundle's `ots`) and lists
 * its attestations: pending at a calendar, or in a Bitcoin block. It does not recompute the
 * commitment path nor check a Bitcoin block header (the page has no Bitcoin node): a Bitcoin
 * attestation is what the proof claims, to check with `ots verify`.
 *
 * Spec: python-opentimestamps serialization (DetachedTimestampFile, Timestamp, TimeAttestation).
 *
 * @throws {Error} with a short reason when the proof is malformed.
 * @example readOts(bundle.ots).pending // ['https://alice.btc.calendar.opentimestamps.org']
 */
export function readOts(base64: string): OtsSummary {
  if (base64.length > (MAX_BYTES * 4) / 3 + 4) throw new Error('the proof is too large')
  const bytes = base64ToBytes(base64)
  let at = 0
  const byte = (): number => {
    const b = bytes[at]
    if (b === undefined) throw new Error('the proof is truncated')
    at++
    return b
  }
  const take = (n: number): Uint8Array => {
    if (at + n > bytes.length) throw new Error('the proof is truncated')
    at += n
    return bytes.subarray(at - n, at)
  }
  const varuint = (): number => {
    let value = 0
    for (let shift = 0; shift < 53; shift += 7) {
      const b = byte()
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
    }
    throw new Error('a number in the proof is too large')
  }
  const varbytes = (max: number): Uint8Array => {
    const n = varuint()
    if (n > max) throw new Error('a field of the proof is too long')
    return take(n)
  }

  for (const expected of MAGIC)
    if (byte() !== expected) throw new Error('not an OpenTimestamps proof')
  const version = varuint()
  if (version !== 1) throw new Error(`unsupported OpenTimestamps version ${version}`)
  const hashOp = byte()
  const digestLength = HASH_OPS[hashOp]
  if (digestLength === undefined) throw new Error(`unknown hash operation 0x${hashOp.toString(16)}`)
  const summary: OtsSummary = {
    digest: bytesToHex(take(digestLength)),
    pending: [],
    bitcoinBlocks: [],
    otherAttestations: 0,
  }
  let attestations = 0

  const tagOrAttestation = (tag: number, depth: number): void => {
    if (tag === 0x00) {
      if (++attestations > MAX_ATTESTATIONS) throw new Error('too many attestations')
      const kind = bytesToHex(take(8)).slice(2)
      const payload = varbytes(8192)
      if (kind === BITCOIN) summary.bitcoinBlocks.push(readVaruint(payload))
      else if (kind === PENDING) summary.pending.push(readUri(payload))
      else summary.otherAttestations++
      return
    }
    if (BINARY_OPS.has(tag)) varbytes(4096)
    else if (!UNARY_OPS.has(tag)) throw new Error(`unknown operation 0x${tag.toString(16)}`)
    timestamp(depth + 1)
  }
  const timestamp = (depth: number): void => {
    if (depth > MAX_DEPTH) throw new Error('the proof is nested too deeply')
    let tag = byte()
    while (tag === 0xff) {
      tagOrAttestation(byte(), depth)
      tag = byte()
    }
    tagOrAttestation(tag, depth)
  }
  timestamp(0)
  if (at !== bytes.length) throw new Error('the proof has trailing bytes')
  return summary
}

function readVaruint(bytes: Uint8Array): number {
  let value = 0
  for (let i = 0; i < bytes.length && i < 8; i++) {
    const b = bytes[i] as number
    value += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) return value
  }
  throw new Error('a Bitcoin attestation has a malformed block height')
}

function readUri(payload: Uint8Array): string {
  // The payload is varbytes(uri): a LEB128 length, then the URI.
  let length = 0
  let i = 0
  for (; i < 3; i++) {
    const b = payload[i]
    if (b === undefined) break
    length += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) break
  }
  const uri = payload.subarray(i + 1)
  if (uri.length !== length || length > 1000)
    throw new Error('a pending attestation has a malformed calendar URI')
  const text = String.fromCharCode(...uri)
  // The characters python-opentimestamps allows in a calendar URI.
  if (!/^[A-Za-z0-9._/:-]+$/.test(text))
    throw new Error('a pending attestation has a malformed calendar URI')
  return text
}
