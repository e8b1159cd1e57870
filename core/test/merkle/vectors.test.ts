// Every case of the RFC 6962 vectors in test/vectors/rfc6962 (transparency-dev/merkle testdata) through the
// verifiers: each `wantErr: false` case accepted, each `wantErr: true` case rejected.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { base64ToBytes } from '../../src/bytes/base64.ts'
import {
  checkConsistency,
  checkInclusion,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/index.ts'

const root = fileURLToPath(new URL('../../../test/vectors/rfc6962/', import.meta.url))

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return jsonFiles(path)
      return name.endsWith('.json') ? [path] : []
    })
}

type InclusionCase = {
  leafIdx: number | bigint
  treeSize: number | bigint
  root: string
  leafHash: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}
type ConsistencyCase = {
  size1: number | bigint
  size2: number | bigint
  root1: string
  root2: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}

// Sizes past 2^53 (the Go vectors wrap 0 - 1 to 2^64-1) are read exactly, as bigint, from the
// JSON source text, so that the cases test the uint64 path and not a rounded number.
const exactIntegers = (_key: string, value: unknown, context?: { source?: string }) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined
    ? BigInt(context.source)
    : value
const load = <T>(path: string) =>
  JSON.parse(readFileSync(path, 'utf8'), exactIntegers as (k: string, v: unknown) => unknown) as T
// `"proof": null` in the source means an empty proof.
const proofOf = (proof: string[] | null) => (proof ?? []).map(base64ToBytes)

const inclusion = jsonFiles(join(root, 'inclusion'))
const consistency = jsonFiles(join(root, 'consistency'))

test('the vector folders are there and not empty', () => {
  // Guards against a silently passing suite when the vectors folder moves.
  assert.ok(inclusion.length >= 90, `found ${inclusion.length} inclusion vectors`)
  assert.ok(consistency.length >= 90, `found ${consistency.length} consistency vectors`)
})

describe('inclusion vectors', () => {
  for (const path of inclusion) {
    const c = load<InclusionCase>(path)
    const name = `${relative(root, path).replace(/\/[^/]+$/, '')}: ${c.desc}`
    test(name, () => {
      const parameters = {
        leafIndex: c.leafIdx,
        treeSize: c.treeSize,
        leafHash: base64ToBytes(c.leafHash),
        proof: proofOf(c.proof),
        root: base64ToBytes(c.root),
      }
      const result = checkInclusion(parameters)
      assert.equal(result.valid, !c.wantErr, result.valid ? 'accepted' : result.reason)
      assert.equal(verifyInclusion(parameters), !c.wantErr)
      // The same numbers as bigint give the same answer.
      const big = { ...parameters, leafIndex: BigInt(c.leafIdx), treeSize: BigInt(c.treeSize) }
      assert.equal(verifyInclusion(big), !c.wantErr)
    })
  }
})

describe('consistency vectors', () => {
  for (const path of consistency) {
    const c = load<ConsistencyCase>(path)
    const name = `${relative(root, path).replace(/\/[^/]+$/, '')}: ${c.desc}`
    test(name, () => {
      const parameters = {
        size1: c.size1,
        size2: c.size2,
        root1: base64ToBytes(c.root1),
        root2: base64ToBytes(c.root2),
        proof: proofOf(c.proof),
      }
      const result = checkConsistency(parameters)
      assert.equal(result.valid, !c.wantErr, result.valid ? 'accepted' : result.reason)
      assert.equal(verifyConsistency(parameters), !c.wantErr)
      const big = { ...parameters, size1: BigInt(c.size1), size2: BigInt(c.size2) }
      assert.equal(verifyConsistency(big), !c.wantErr)
    })
  }
})

test('behavior: a vector index past 2^53 is read exactly', () => {
  const wrapped = inclusion
    .map((path) => load<InclusionCase>(path))
    .filter((c) => typeof c.leafIdx === 'bigint')
  assert.ok(wrapped.length > 0)
  for (const c of wrapped) assert.equal(c.leafIdx, 2n ** 64n - 1n)
})
