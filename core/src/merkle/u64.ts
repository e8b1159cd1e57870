// Integer helpers shared by the Merkle code. Internal: not exported from the barrel.
//
// Two ranges on purpose. Verifiers take sizes from outside (bundles, chains) and must handle the
// whole uint64 range of RFC 9162 exactly, so they compute in bigint (a proof has at most 64 steps,
// so the cost is nothing next to the hashing). Builders (planning, stores, the compact tree) index
// nodes with plain numbers, which stay exact up to 2^53-1 leaves: at a million appends a second a
// log needs 285 years to get there, and numbers keep the hot path and the store keys cheap.

/** 2^64-1, the largest tree size RFC 9162 can express (uint64). */
export const MAX_U64 = (1n << 64n) - 1n

/** The value as a bigint in [0, 2^64-1], or undefined: numbers must be safe integers. */
export function toU64(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined
  }
  if (typeof value === 'bigint') return value >= 0n && value <= MAX_U64 ? value : undefined
  return undefined
}

/** The value as a number in [0, 2^53-1], or undefined. */
export function toSafeIndex(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  if (typeof value === 'bigint') {
    return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined
  }
  return undefined
}

/** Number of bits needed to write x (0 for 0), like Go's bits.Len64. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length
}

/** Number of set bits in x, like Go's bits.OnesCount64. */
export function onesCount(x: bigint): number {
  let n = 0
  for (const c of x.toString(2)) if (c === '1') n++
  return n
}

/** Number of trailing zero bits of x > 0, like Go's bits.TrailingZeros64. */
export function trailingZeros(x: bigint): number {
  let n = 0
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n
    n++
  }
  return n
}

/** Number of set bits of a safe non-negative integer (numbers: bitwise operators stop at 32 bits). */
export function onesCountSafe(x: number): number {
  let n = 0
  while (x > 0) {
    if (x % 2 === 1) n++
    x = Math.floor(x / 2)
  }
  return n
}
