// The leaf files of the monitor's mirror: roots of any prefix, the first differing leaf (across
// the 65,536-leaf read chunks) and inclusion proofs served from the file, checked with core's
// verifier and against core's in-memory node store.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  buildInclusionProof,
  bytesToHex,
  CompactTree,
  MemoryNodeStore,
  rootFromLeafHashes,
  verifyInclusion,
} from '@tml/core'
import { LeafFile } from '../../src/monitor/LeafFile.ts'
import { tempDir } from '../helpers/memory.ts'

/** `n` leaf hashes (deterministic, distinct) as one buffer, 32 bytes each. */
function leaves(n: number): Uint8Array {
  const bytes = new Uint8Array(n * 32)
  for (let i = 0; i < n; i++) new DataView(bytes.buffer).setUint32(i * 32, i + 1)
  return bytes
}
const leafAt = (bytes: Uint8Array, i: number) => bytes.subarray(i * 32, i * 32 + 32)
/** Hashes as hex: the file's come from Node's SHA-256 (Buffers), core's are Uint8Arrays. */
const hex = (hashes: Uint8Array | Uint8Array[]) =>
  (Array.isArray(hashes) ? hashes : [hashes]).map((h) => bytesToHex(h))

function file(bytes: Uint8Array, name = 'log.leaves'): LeafFile {
  const path = join(tempDir(), name)
  writeFileSync(path, bytes)
  return new LeafFile(path)
}

describe('LeafFile', () => {
  test('its size, and the root of every prefix, as core computes it', () => {
    const bytes = leaves(7)
    const f = file(bytes)
    assert.equal(f.size, 7)
    for (let n = 0; n <= 7; n++)
      assert.deepEqual(
        hex(f.root(n)),
        hex(
          rootFromLeafHashes({ leafHashes: Array.from({ length: n }, (_, i) => leafAt(bytes, i)) }),
        ),
      )
    assert.throws(() => f.root(8), /holds 7 leaves, not 8/)
    assert.equal(new LeafFile(join(tempDir(), 'none')).size, 0)
  })

  test('the first differing leaf, in the first chunk, past it, or none', () => {
    const n = 70_000
    const a = leaves(n)
    for (const at of [0, 65_535, 65_536, 69_999]) {
      const b = a.slice()
      b[at * 32 + 31] = 0xff
      assert.equal(file(a).firstDifference(file(b), n), at)
      // Only the first `size` leaves are compared.
      assert.equal(file(a).firstDifference(file(b), at), undefined)
    }
  })

  test('inclusion proofs from the file verify, and match the node store’s', async () => {
    const n = 70_001
    const bytes = leaves(n)
    const f = file(bytes)
    const store = new MemoryNodeStore()
    const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
    for (let i = 0; i < n; i++) tree.append(leafAt(bytes, i))
    const root = tree.root()
    assert.deepEqual(hex(f.root(n)), hex(root))
    for (const [leafIndex, treeSize] of [
      [0, n],
      [65_536, n],
      [n - 1, n],
      [3, 5],
    ] as const) {
      const proof = await buildInclusionProof({ leafIndex, treeSize, store: f })
      assert.deepEqual(hex(proof), hex(await buildInclusionProof({ leafIndex, treeSize, store })))
      assert.ok(
        verifyInclusion({
          leafIndex,
          treeSize,
          leafHash: leafAt(bytes, leafIndex),
          proof,
          root: f.root(treeSize),
        }),
      )
    }
  })
})
