// A minimal, well-formed pending OpenTimestamps proof (what a calendar returns before Bitcoin):
// header, SHA-256 of the digest, append a nonce, SHA-256, pending attestation at `calendar`.
import { bytesToBase64, bytesToHex, hexToBytes, sha256 } from '../../../core/src/index.ts'

const MAGIC = [
  0x00, 0x4f, 0x70, 0x65, 0x6e, 0x54, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, 0x73, 0x00,
  0x00, 0x50, 0x72, 0x6f, 0x6f, 0x66, 0x00, 0xbf, 0x89, 0xe2, 0xe8, 0x84, 0xe8, 0x92, 0x94,
]
const PENDING = [0x83, 0xdf, 0xe3, 0x0d, 0x2e, 0xf9, 0x0c, 0x8e]
const BITCOIN = [0x05, 0x88, 0x96, 0x0d, 0x73, 0xd7, 0x19, 0x01]

function varuint(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return out
}

const varbytes = (bytes: number[]) => [...varuint(bytes.length), ...bytes]

/** Base64 of a pending `.ots` for `digest` (32-byte hex) at `calendar`, optionally also in a Bitcoin block. */
export function pendingOts(digest: string, calendar: string, bitcoinHeight?: number): string {
  const uri = [...new TextEncoder().encode(calendar)]
  const pending = [0x00, ...PENDING, ...varbytes(varbytes(uri))]
  const bitcoin =
    bitcoinHeight === undefined ? [] : [0x00, ...BITCOIN, ...varbytes(varuint(bitcoinHeight))]
  const nonce = Array.from({ length: 16 }, (_, i) => i)
  const body =
    bitcoin.length === 0
      ? [0xf0, ...varbytes(nonce), 0x08, ...pending]
      : [0xf0, ...varbytes(nonce), 0x08, 0xff, ...pending, ...bitcoin]
  return bytesToBase64(new Uint8Array([...MAGIC, 0x01, 0x08, ...hexToBytes(digest, 32), ...body]))
}

/**
 * An 80-byte Bitcoin block header whose merkle root is `merkleRoot` (in the header's byte order),
 * and its block hash as Esplora names it (hex, display order): a stand-in for a real block, for
 * an Esplora route of the test server. No proof of work: the verifier checks the root and the
 * hash, and trusts its header source for the rest.
 */
export function standInBlock(merkleRoot: Uint8Array, time: number) {
  const header = new Uint8Array(80)
  header[0] = 1
  header.set(merkleRoot, 36)
  new DataView(header.buffer).setUint32(68, time, true)
  new DataView(header.buffer).setUint32(72, 0x1d00ffff, true)
  const hash = bytesToHex(sha256(sha256(header)).reverse()).slice(2)
  return { header: bytesToHex(header).slice(2), hash }
}
