// A tiny RFC 9162 §2.1 reference, the recursive definitions word for word (MTH, PATH, PROOF and
// SUBPROOF). Slow and obviously right: the tests cross-check the optimized code against it.
// MTH is memoized per leaf range so that trees of a few thousand leaves stay fast.
import { sha256 } from '../../src/hash/sha256.ts'

const NODE = new Uint8Array([0x01])

export type Reference = {
  /** MTH(D[0:n]) of the first n leaf hashes. */
  mth(n: number): Uint8Array
  /** PATH(m, D[0:n]). */
  path(m: number, n: number): Uint8Array[]
  /** PROOF(m, D[0:n]). */
  proof(m: number, n: number): Uint8Array[]
}

/** k, the largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

export function reference(leafHashes: readonly Uint8Array[]): Reference {
  const memo = new Map<string, Uint8Array>()
  // MTH(D[start:end]); D here are leaf hashes, so MTH of one entry is the entry itself.
  const mthRange = (start: number, end: number): Uint8Array => {
    const n = end - start
    if (n === 0) return sha256(new Uint8Array(0))
    if (n === 1) return leafHashes[start] as Uint8Array
    const key = `${start}:${end}`
    let h = memo.get(key)
    if (h === undefined) {
      const k = split(n)
      h = sha256(NODE, mthRange(start, start + k), mthRange(start + k, end))
      memo.set(key, h)
    }
    return h
  }
  const pathRange = (m: number, start: number, end: number): Uint8Array[] => {
    const n = end - start
    if (n === 1) return []
    const k = split(n)
    return m < k
      ? [...pathRange(m, start, start + k), mthRange(start + k, end)]
      : [...pathRange(m - k, start + k, end), mthRange(start, start + k)]
  }
  const subproof = (m: number, start: number, end: number, b: boolean): Uint8Array[] => {
    const n = end - start
    if (m === n) return b ? [] : [mthRange(start, end)]
    const k = split(n)
    return m <= k
      ? [...subproof(m, start, start + k, b), mthRange(start + k, end)]
      : [...subproof(m - k, start + k, end, false), mthRange(start, start + k)]
  }
  return {
    mth: (n) => mthRange(0, n),
    path: (m, n) => pathRange(m, 0, n),
    proof: (m, n) => subproof(m, 0, n, true),
  }
}

/** n deterministic, distinct leaf hashes (hashes of a seed and the index). */
export function makeLeafHashes(n: number, seed = 0): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const input = new Uint8Array(9)
    new DataView(input.buffer).setUint32(0, seed)
    new DataView(input.buffer).setUint32(4, i)
    out.push(sha256(new Uint8Array([0x00]), input))
  }
  return out
}
