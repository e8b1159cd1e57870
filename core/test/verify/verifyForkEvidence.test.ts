// verifyForkEvidence on evidence built from real trees (core's CompactTree and node store) and
// checkpoints signed with real keys; the real-chain test is gateway/test/monitor/evidence.test.ts.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { privateKeyToAccount } from 'viem/accounts'
import { bytesToHex, type Hex } from '../../src/bytes/hex.ts'
import type { Checkpoint } from '../../src/checkpoint/Checkpoint.ts'
import { checkpointToJson } from '../../src/checkpoint/checkpointToJson.ts'
import { signCheckpoint } from '../../src/checkpoint/signCheckpoint.ts'
import { buildConsistencyProof } from '../../src/merkle/buildConsistencyProof.ts'
import { buildInclusionProof } from '../../src/merkle/buildInclusionProof.ts'
import { CompactTree } from '../../src/merkle/CompactTree.ts'
import { hashLeaf } from '../../src/merkle/hashLeaf.ts'
import { MemoryNodeStore } from '../../src/merkle/MemoryNodeStore.ts'
import type {
  ForkEvidence,
  ForkEvidenceInclusion,
  ForkEvidenceKind,
  ForkEvidenceLeaf,
} from '../../src/verify/ForkEvidence.ts'
import { verifyForkEvidence } from '../../src/verify/verifyForkEvidence.ts'

const LOG: Hex = `0x${'0c'.repeat(32)}`
const key = privateKeyToAccount(`0x${'1'.repeat(63)}2`)
const stranger = privateKeyToAccount(`0x${'3'.repeat(63)}4`)

/** A log of `n` leaves named by `prefix` (or `name`), with its node store. */
function tree(n: number, prefix: string, name = (i: number) => `${prefix}${i}`) {
  const store = new MemoryNodeStore()
  const t = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
  const leaves = Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(name(i))))
  for (const leaf of leaves) t.append(leaf)
  const size = n
  /** Leaf `i` with its inclusion proof in this tree. */
  const inclusion = async (i: number): Promise<ForkEvidenceInclusion> => ({
    leafHash: bytesToHex(leaves[i] as Uint8Array),
    proof: (await buildInclusionProof({ leafIndex: i, treeSize: size, store })).map((h) =>
      bytesToHex(h),
    ),
  })
  return { root: bytesToHex(t.root()), store, inclusion }
}

async function side(cp: Checkpoint, account = key) {
  return {
    checkpoint: checkpointToJson(cp),
    signature: await signCheckpoint({ checkpoint: cp, account }),
    sources: ['test'],
  }
}

const cp = (epoch: bigint, treeSize: bigint, rootHash: Hex): Checkpoint => ({
  logId: LOG,
  epoch,
  treeSize,
  rootHash,
  timestamp: 1_767_225_600n + epoch,
})

async function evidence(
  kind: ForkEvidenceKind,
  a: Checkpoint,
  b: Checkpoint,
  extra: Partial<ForkEvidence> = {},
): Promise<ForkEvidence> {
  return {
    v: 'tml-fork-evidence/1',
    kind,
    logId: LOG,
    first: await side(a),
    second: await side(b),
    foundAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  }
}

describe('verifyForkEvidence', () => {
  const six = tree(6, 'leaf')
  const eight = tree(8, 'leaf')
  const forkedEight = tree(8, 'other')

  test('default: each kind of signed contradiction is proven, by the trusted key', async () => {
    const cases: [ForkEvidenceKind, Checkpoint, Checkpoint][] = [
      ['same-epoch', cp(3n, 8n, eight.root), cp(3n, 8n, forkedEight.root)],
      ['tree-shrank', cp(3n, 8n, eight.root), cp(4n, 6n, six.root)],
      ['same-size-different-roots', cp(3n, 8n, eight.root), cp(5n, 8n, forkedEight.root)],
    ]
    for (const [kind, a, b] of cases) {
      const verdict = await verifyForkEvidence({
        evidence: await evidence(kind, a, b),
        signers: [key.address],
      })
      assert.deepEqual(verdict.problems, [], kind)
      assert.equal(verdict.proven, true, kind)
      assert.equal(verdict.strength, 'proof')
      assert.deepEqual(verdict.signers, [key.address, key.address])
    }
  })

  test('behavior: inconsistent: the honest proof verifies (no evidence); against a forked tree it fails (an indication, not a proof)', async () => {
    const proof = (await buildConsistencyProof({ size1: 6, size2: 8, store: eight.store })).map(
      (h) => bytesToHex(h),
    )
    const honest = await verifyForkEvidence({
      evidence: await evidence('inconsistent', cp(2n, 6n, six.root), cp(3n, 8n, eight.root), {
        consistencyProof: proof,
      }),
      signers: [key.address],
    })
    assert.equal(honest.proven, false)
    assert.deepEqual(honest.problems, ['the consistency proof verifies: the trees are consistent'])
    const forked = await verifyForkEvidence({
      evidence: await evidence('inconsistent', cp(2n, 6n, six.root), cp(3n, 8n, forkedEight.root), {
        consistencyProof: proof,
      }),
      signers: [key.address],
    })
    assert.deepEqual(forked.problems, [])
    assert.equal(forked.proven, false)
    assert.equal(forked.strength, 'indication')
    assert.match(forked.summary, /an indication of a fork, to be proven with a leaf of each tree/)
  })

  test('adversarial: no contradiction, another key, a changed checkpoint, another log: not proven', async () => {
    const agreeing = await verifyForkEvidence({
      evidence: await evidence('same-epoch', cp(3n, 8n, eight.root), cp(3n, 8n, eight.root)),
      signers: [key.address],
    })
    assert.equal(agreeing.proven, false)
    assert.match(agreeing.problems.join(), /same-epoch needs one epoch with two different trees/)

    const e = await evidence('same-epoch', cp(3n, 8n, eight.root), cp(3n, 8n, forkedEight.root))
    e.second = await side(cp(3n, 8n, forkedEight.root), stranger)
    const other = await verifyForkEvidence({ evidence: e, signers: [key.address] })
    assert.equal(other.proven, false)
    assert.match(
      other.problems.join(),
      new RegExp(`signed by ${stranger.address}, not by a trusted signer`),
    )

    // The root changed after signing: the signature recovers some other address.
    const changed = await evidence(
      'same-epoch',
      cp(3n, 8n, eight.root),
      cp(3n, 8n, forkedEight.root),
    )
    changed.second.checkpoint.rootHash = `0x${'77'.repeat(32)}`
    const verdict = await verifyForkEvidence({ evidence: changed, signers: [key.address] })
    assert.equal(verdict.proven, false)
    assert.equal(verdict.signersTrusted, false)

    const elsewhere = await evidence(
      'same-epoch',
      cp(3n, 8n, eight.root),
      cp(3n, 8n, forkedEight.root),
    )
    elsewhere.logId = `0x${'0d'.repeat(32)}`
    assert.match(
      (await verifyForkEvidence({ evidence: elsewhere })).problems.join(),
      /first.checkpoint is of log 0x0c0c/,
    )
  })

  test('errors: not evidence at all, an unsigned side, an unknown kind: problems, never a throw', async () => {
    for (const junk of [
      null,
      'text',
      { v: 'tml-fork-evidence/1' },
      { v: 'other', kind: 'same-epoch' },
    ]) {
      const verdict = await verifyForkEvidence({ evidence: junk })
      assert.equal(verdict.proven, false)
      assert.ok(verdict.problems.length > 0)
    }
    const unsigned = await evidence(
      'same-epoch',
      cp(3n, 8n, eight.root),
      cp(3n, 8n, forkedEight.root),
    )
    unsigned.first.signature = null
    const verdict = await verifyForkEvidence({ evidence: unsigned })
    assert.equal(verdict.proven, false)
    assert.match(verdict.problems.join(), /first: no signature/)
  })

  describe('inconsistent with the differing leaf proven in each tree', () => {
    // The fork: 8 leaves where the 6-leaf tree's leaf 2 was changed.
    const rewritten = tree(8, 'leaf', (i) => (i === 2 ? 'changed' : `leaf${i}`))
    const older = cp(2n, 6n, six.root)
    const newer = cp(3n, 8n, rewritten.root)
    const leafProven = async (
      leafIndex = 2,
      extra: Partial<ForkEvidence> = {},
    ): Promise<ForkEvidence & { differingLeaf: ForkEvidenceLeaf }> => {
      const served = (await buildConsistencyProof({ size1: 6, size2: 8, store: eight.store })).map(
        (h) => bytesToHex(h),
      )
      const differingLeaf: ForkEvidenceLeaf = {
        leafIndex,
        first: await six.inclusion(leafIndex),
        second: await rewritten.inclusion(leafIndex),
      }
      return {
        ...(await evidence('inconsistent', older, newer, { consistencyProof: served, ...extra })),
        differingLeaf,
      }
    }

    test('default: both leaves proven against the signed roots and different: a proven fork', async () => {
      const e = await leafProven()
      const verdict = await verifyForkEvidence({ evidence: e, signers: [key.address] })
      assert.deepEqual(verdict.problems, [])
      assert.equal(verdict.proven, true)
      assert.equal(verdict.strength, 'proof')
      assert.equal(verdict.signersTrusted, true)
      assert.match(
        verdict.summary,
        new RegExp(
          `leaf 2 is ${e.differingLeaf.first.leafHash} in the tree of epoch 2 [(]size 6.* and ${e.differingLeaf.second.leafHash} in the tree of epoch 3 [(]size 8.*the smaller tree is not a prefix of the larger`,
        ),
      )
      // The leaves prove it alone: a file without the served consistency proof (built from
      // reportInconsistency's calldata, say) is proven as well.
      const { consistencyProof: _, ...bare } = e
      const alone = await verifyForkEvidence({ evidence: bare, signers: [key.address] })
      assert.deepEqual(alone.problems, [])
      assert.equal(alone.proven, true)
    })

    test('behavior: a file without differingLeaf (an older monitor) is still an indication', async () => {
      const { differingLeaf: _, ...old } = await leafProven()
      const verdict = await verifyForkEvidence({ evidence: old, signers: [key.address] })
      assert.deepEqual(verdict.problems, [])
      assert.equal(verdict.proven, false)
      assert.equal(verdict.strength, 'indication')
      assert.match(verdict.summary, /an indication of a fork/)
    })

    test('adversarial: each tampered leaf proof is refused with its reason, never proven', async () => {
      const good = await leafProven()
      const other = await six.inclusion(4)
      const cases: [string, (e: typeof good) => void | Promise<void>, RegExp][] = [
        [
          'another index',
          (e) => {
            e.differingLeaf.leafIndex = 3
          },
          /differingLeaf\.first: the inclusion proof of leaf 3 does not lead to the first tree's signed root \(size 6\): computed root/,
        ],
        [
          'an index the first tree does not hold',
          (e) => {
            e.differingLeaf.leafIndex = 6
          },
          /differingLeaf\.leafIndex 6 is not below the first tree's size 6/,
        ],
        [
          'a negative index',
          (e) => {
            e.differingLeaf.leafIndex = -1
          },
          /differingLeaf\.leafIndex must be an integer from 0, got -1/,
        ],
        [
          'an index as a string',
          (e) => {
            ;(e.differingLeaf as unknown as Record<string, unknown>).leafIndex = '2'
          },
          /differingLeaf\.leafIndex must be an integer from 0, got "2"/,
        ],
        [
          'the proof of another leaf',
          (e) => {
            e.differingLeaf.first = other
          },
          /differingLeaf\.first: the inclusion proof of leaf 2 does not lead to the first tree's signed root/,
        ],
        [
          'the proofs swapped',
          (e) => {
            const { first, second } = e.differingLeaf
            e.differingLeaf.first = second
            e.differingLeaf.second = first
          },
          /differingLeaf\.first: .*does not lead.*\n.*differingLeaf\.second: .*does not lead/,
        ],
        [
          'a leaf both trees share',
          async (e) => {
            e.differingLeaf = {
              leafIndex: 1,
              first: await six.inclusion(1),
              second: await rewritten.inclusion(1),
            }
          },
          /differingLeaf: leaf 1 is 0x[0-9a-f]{64} in both trees: they do not differ there/,
        ],
        [
          'a truncated proof',
          (e) => {
            e.differingLeaf.second.proof = e.differingLeaf.second.proof.slice(0, -1)
          },
          /differingLeaf\.second: .*proof has 2 hashes, expected 3 for leafIndex 2 in treeSize 8/,
        ],
        [
          'a leaf hash of bad hex',
          (e) => {
            e.differingLeaf.first.leafHash = `0x${'zz'.repeat(32)}`
          },
          /differingLeaf\.first\.leafHash is not 32 bytes of hex/,
        ],
        [
          'a short leaf hash',
          (e) => {
            e.differingLeaf.second.leafHash = e.differingLeaf.second.leafHash.slice(0, 40) as Hex
          },
          /differingLeaf\.second\.leafHash is not 32 bytes of hex/,
        ],
        [
          'a proof hash of bad length',
          (e) => {
            e.differingLeaf.first.proof[1] = '0x1234'
          },
          /differingLeaf\.first\.proof\[1\] is not 32 bytes of hex: "0x1234"/,
        ],
        [
          'a proof that is not an array',
          (e) => {
            ;(e.differingLeaf.second as unknown as Record<string, unknown>).proof = 'none'
          },
          /differingLeaf\.second\.proof is not an array/,
        ],
        [
          'a side missing',
          (e) => {
            delete (e.differingLeaf as Partial<ForkEvidenceLeaf>).second
          },
          /differingLeaf\.second is missing/,
        ],
        [
          'not an object',
          (e) => {
            ;(e as unknown as Record<string, unknown>).differingLeaf = [2]
          },
          /differingLeaf must be an object, got \[2\]/,
        ],
        [
          'the newer tree’s root changed after signing (the leaf is proven in it)',
          async (e) => {
            // Signed by another key: the leaves hold, the signature does not.
            e.second = await side(newer, stranger)
          },
          new RegExp(`second checkpoint signed by ${stranger.address}, not by a trusted signer`),
        ],
      ]
      for (const [what, tamper, reason] of cases) {
        const e = structuredClone(good)
        await tamper(e)
        const verdict = await verifyForkEvidence({ evidence: e, signers: [key.address] })
        assert.equal(verdict.proven, false, what)
        assert.match(verdict.problems.join('\n'), reason, what)
        assert.match(verdict.summary, /^The evidence does not hold: /, what)
      }
    })
  })
})
