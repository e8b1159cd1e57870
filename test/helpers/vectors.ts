// Reads the RFC 6962 / RFC 9162 proof vectors (test/vectors/rfc6962, from
// transparency-dev/merkle) as the contracts take them: sizes as bigints, hashes as bytes32.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { base64ToBytes, bytesToHex } from '@tml/core'
import type { Hex } from 'viem'

export const VECTORS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'rfc6962')

export type InclusionVector = {
  name: string
  leafIndex: bigint
  treeSize: bigint
  root: Hex
  leafHash: Hex
  proof: Hex[]
  wantErr: boolean
  /** The hashes of the file that are not 32 bytes long (zero-padded or cut above to fit bytes32). */
  oddHashes: Hex[]
}

export type ConsistencyVector = {
  name: string
  size1: bigint
  size2: bigint
  root1: Hex
  root2: Hex
  proof: Hex[]
  wantErr: boolean
  oddHashes: Hex[]
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return filesUnder(path)
    return entry.name.endsWith('.json') ? [path] : []
  })
}

// Sizes reach 2^64 - 1, beyond what a JSON number keeps exactly: read them from their source text.
function parse(text: string): Record<string, unknown> {
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined ? BigInt(context.source) : value,
  )
}

/**
 * A base64 hash as bytes32. A bytes32 parameter cannot carry the few hashes of the vectors that are
 * not 32 bytes long (empty, or "don't care" strings): they are kept in `oddHashes`, and zero-padded
 * (or cut) here to the nearest bytes32, on which the contract is compared with core.
 */
function hash32(value: unknown, odd: Hex[]): Hex {
  if (typeof value !== 'string') throw new Error(`vector: expected base64, got ${String(value)}`)
  const bytes = base64ToBytes(value)
  if (bytes.length === 32) return bytesToHex(bytes)
  odd.push(bytesToHex(bytes))
  const padded = new Uint8Array(32)
  padded.set(bytes.subarray(0, 32))
  return bytesToHex(padded)
}

function proofOf(value: unknown, odd: Hex[]): Hex[] {
  if (value === null) return []
  if (!Array.isArray(value)) throw new Error('vector: proof is not an array')
  return value.map((node) => hash32(node, odd))
}

function load<T>(
  kind: 'inclusion' | 'consistency',
  make: (json: Record<string, unknown>, name: string) => T,
): T[] {
  const dir = join(VECTORS_DIR, kind)
  return filesUnder(dir)
    .sort()
    .map((file) => make(parse(readFileSync(file, 'utf8')), relative(VECTORS_DIR, file)))
}

export function inclusionVectors(): InclusionVector[] {
  return load('inclusion', (json, name) => {
    const oddHashes: Hex[] = []
    const root = hash32(json.root, oddHashes)
    const leafHash = hash32(json.leafHash, oddHashes)
    const proof = proofOf(json.proof, oddHashes)
    return {
      name: `${name}: ${String(json.desc)}`,
      leafIndex: json.leafIdx as bigint,
      treeSize: json.treeSize as bigint,
      root,
      leafHash,
      proof,
      wantErr: json.wantErr === true,
      oddHashes,
    }
  })
}

export function consistencyVectors(): ConsistencyVector[] {
  return load('consistency', (json, name) => {
    const oddHashes: Hex[] = []
    const root1 = hash32(json.root1, oddHashes)
    const root2 = hash32(json.root2, oddHashes)
    const proof = proofOf(json.proof, oddHashes)
    return {
      name: `${name}: ${String(json.desc)}`,
      size1: json.size1 as bigint,
      size2: json.size2 as bigint,
      root1,
      root2,
      proof,
      wantErr: json.wantErr === true,
      oddHashes,
    }
  })
}
