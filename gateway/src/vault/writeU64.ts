/**
 * Writes `value` as a big-endian u64 at `at`, byte by byte: the vault's epochs and seqs stay below
 * 2^53, so neither a BigInt nor a DataView is needed per record.
 *
 * @example
 * writeU64(header, 1, epoch)
 */
export function writeU64(out: Uint8Array, at: number, value: number): void {
  let high = Math.floor(value / 2 ** 32)
  let low = value >>> 0
  for (let i = 7; i >= 4; i--) {
    out[at + i] = low & 0xff
    low >>>= 8
  }
  for (let i = 3; i >= 0; i--) {
    out[at + i] = high & 0xff
    high >>>= 8
  }
}
