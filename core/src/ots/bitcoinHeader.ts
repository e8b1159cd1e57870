import { bytesToHex, type Hex } from '../bytes/hex.ts'
import { sha256 } from '../hash/sha256.ts'
import { BitcoinHeaderError } from './BitcoinHeaderError.ts'

/** The fields of a Bitcoin block header that a timestamp needs. */
export type BitcoinHeader = {
  /** The block hash as explorers show it: double SHA-256 of the header, byte-reversed. */
  hash: Hex
  /** The merkle root in the header's own byte order (bytes 36..68): what an `.ots` message equals. */
  merkleRoot: Uint8Array
  /** The header's `nTime`: unix seconds. */
  time: number
}

/**
 * Reads an 80-byte Bitcoin block header: version (4), previous block hash (32), merkle root
 * (32), time (4, little-endian), bits (4), nonce (4).
 *
 * Spec: Bitcoin block header serialization (developer reference, "Block Headers").
 *
 * @throws {BitcoinHeaderError} when the header is not 80 bytes.
 * @example
 * readBitcoinHeader(hexToBytes(headerHex)).time
 */
export function readBitcoinHeader(header: Uint8Array): BitcoinHeader {
  if (header.length !== 80)
    throw new BitcoinHeaderError(undefined, `expected 80 bytes, got ${header.length}`)
  const time =
    ((header[68] as number) |
      ((header[69] as number) << 8) |
      ((header[70] as number) << 16) |
      ((header[71] as number) << 24)) >>>
    0
  return {
    hash: bytesToHex(sha256(sha256(header)).reverse()),
    merkleRoot: header.slice(36, 68),
    time,
  }
}
