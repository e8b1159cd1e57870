import { bytesToHex } from '../bytes/hex.ts'
import { InvalidOtsError } from './InvalidOtsError.ts'
import type { OtsAttestation, OtsHashOp, OtsOp, OtsProof, OtsTimestamp } from './OtsProof.ts'
import { OTS_LIMITS } from './otsLimits.ts'

// "\x00OpenTimestamps\x00\x00Proof\x00" and 8 magic bytes: the header of a detached proof.
const MAGIC = [
  0x00, 0x4f, 0x70, 0x65, 0x6e, 0x54, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, 0x73, 0x00,
  0x00, 0x50, 0x72, 0x6f, 0x6f, 0x66, 0x00, 0xbf, 0x89, 0xe2, 0xe8, 0x84, 0xe8, 0x92, 0x94,
]
const BITCOIN_TAG = '0x0588960d73d71901'
const PENDING_TAG = '0x83dfe30d2ef90c8e'
/** Operation tags, and each hash's digest length. */
const HASH_OPS: Record<number, { op: OtsHashOp; length: number }> = {
  2: { op: 'sha1', length: 20 },
  3: { op: 'ripemd160', length: 20 },
  8: { op: 'sha256', length: 32 },
  103: { op: 'keccak256', length: 32 },
}
const OTHER_UNARY: Record<number, 'reverse' | 'hexlify'> = { 242: 'reverse', 243: 'hexlify' }
const BINARY: Record<number, 'append' | 'prepend'> = { 240: 'append', 241: 'prepend' }
// The characters python-opentimestamps allows in a calendar URI.
const URI = /^[A-Za-z0-9._/:-]+$/

/**
 * Parses a detached OpenTimestamps proof (`.ots` bytes) into its tree: the file digest, and from
 * it the commitment operations leading to each attestation. Untrusted input is bounded
 * ({@link OTS_LIMITS}: size, depth, operations, attestations); a file that does not end where
 * its tree ends is refused.
 *
 * Spec: python-opentimestamps serialization (`DetachedTimestampFile`, `Timestamp`,
 * `TimeAttestation`, `Op`).
 *
 * @throws {InvalidOtsError} saying what is malformed.
 * @example
 * const proof = parseOts(base64ToBytes(bundle.ots))
 * bytesToHex(proof.digest) === bundle.checkpoint.rootHash
 */
export function parseOts(bytes: Uint8Array): OtsProof {
  if (bytes.length > OTS_LIMITS.bytes)
    throw new InvalidOtsError(`the file is larger than ${OTS_LIMITS.bytes} bytes`)
  let at = 0
  let operations = 0
  let attestations = 0
  const byte = (): number => {
    const b = bytes[at]
    if (b === undefined) throw new InvalidOtsError('the file is truncated')
    at++
    return b
  }
  const take = (n: number): Uint8Array => {
    if (at + n > bytes.length) throw new InvalidOtsError('the file is truncated')
    at += n
    return bytes.slice(at - n, at)
  }
  const varuint = (): number => {
    let value = 0
    for (let shift = 0; shift < 53; shift += 7) {
      const b = byte()
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
    }
    throw new InvalidOtsError('a number is too large')
  }
  const varbytes = (max: number, what: string): Uint8Array => {
    const n = varuint()
    if (n > max) throw new InvalidOtsError(`${what} is longer than ${max} bytes`)
    return take(n)
  }

  for (const expected of MAGIC)
    if (byte() !== expected) throw new InvalidOtsError('not an OpenTimestamps proof')
  const version = varuint()
  if (version !== 1) throw new InvalidOtsError(`unsupported version ${version}`)
  const fileHash = HASH_OPS[byte()]
  if (fileHash === undefined) throw new InvalidOtsError('unknown hash of the file')
  const digest = take(fileHash.length)

  const attestation = (): OtsAttestation => {
    if (++attestations > OTS_LIMITS.attestations)
      throw new InvalidOtsError(`more than ${OTS_LIMITS.attestations} attestations`)
    const tag = bytesToHex(take(8))
    const payload = varbytes(OTS_LIMITS.payload, 'an attestation')
    if (tag === BITCOIN_TAG) return { kind: 'bitcoin', height: payloadHeight(payload) }
    if (tag === PENDING_TAG) return { kind: 'pending', uri: payloadUri(payload) }
    return { kind: 'unknown', tag }
  }
  const operation = (tag: number): OtsOp => {
    if (++operations > OTS_LIMITS.operations)
      throw new InvalidOtsError(`more than ${OTS_LIMITS.operations} operations`)
    const hash = HASH_OPS[tag]
    if (hash) return { op: hash.op }
    const unary = OTHER_UNARY[tag]
    if (unary) return { op: unary }
    const binary = BINARY[tag]
    if (!binary) throw new InvalidOtsError(`unknown operation 0x${tag.toString(16)}`)
    const arg = varbytes(OTS_LIMITS.message, 'an operation argument')
    if (arg.length === 0) throw new InvalidOtsError(`an empty ${binary} argument`)
    return { op: binary, arg }
  }
  const timestamp = (depth: number): OtsTimestamp => {
    if (depth > OTS_LIMITS.depth)
      throw new InvalidOtsError(`nested deeper than ${OTS_LIMITS.depth}`)
    const node: OtsTimestamp = { attestations: [], ops: [] }
    const item = (tag: number) => {
      if (tag === 0x00) node.attestations.push(attestation())
      else {
        const op = operation(tag)
        node.ops.push({ op, next: timestamp(depth + 1) })
      }
    }
    // Every item but the last is preceded by 0xff.
    let tag = byte()
    while (tag === 0xff) {
      item(byte())
      tag = byte()
    }
    item(tag)
    return node
  }
  const tree = timestamp(0)
  if (at !== bytes.length) throw new InvalidOtsError('trailing bytes after the proof')
  return { hashOp: fileHash.op, digest, timestamp: tree }
}

// The payload of a Bitcoin attestation is the block height, LEB128, and nothing else.
function payloadHeight(payload: Uint8Array): number {
  let value = 0
  for (let i = 0; i < payload.length && i < 7; i++) {
    const b = payload[i] as number
    value += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) {
      if (i + 1 !== payload.length) break
      return value
    }
  }
  throw new InvalidOtsError('a Bitcoin attestation has a malformed block height')
}

// The payload of a pending attestation is varbytes(URI).
function payloadUri(payload: Uint8Array): string {
  let length = 0
  let i = 0
  for (; i < 3; i++) {
    const b = payload[i]
    if (b === undefined) break
    length += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) break
  }
  const uri = payload.subarray(i + 1)
  if (uri.length !== length || length === 0 || length > OTS_LIMITS.uri)
    throw new InvalidOtsError('a pending attestation has a malformed calendar URI')
  const text = String.fromCharCode(...uri)
  if (!URI.test(text))
    throw new InvalidOtsError('a pending attestation has a malformed calendar URI')
  return text
}
