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
import { CompactTree } from '../../src/merkle/CompactTree.ts'
import { hashLeaf } from '../../src/merkle/hashLeaf.ts'
import { MemoryNodeStore } from '../../src/merkle/MemoryNodeStore.ts'
import type { ForkEvidence, ForkEvidenceKind } from '../../src/verify/ForkEvidence.ts'
import { verifyForkEvidence } from '../../src/verify/verifyForkEvidence.ts'

const LOG: Hex = `0x${'0c'.repeat(32)}`
const key = privateKeyToAccount(`0x${'1'.repeat(63)}2`)
const stranger = privateKeyToAccount(`0x${'3'.repeat(63)}4`)

/** A log of `n` leaves named by `prefix`, with its node store. */
function tree(n: number, prefix: string) {
  const store = new MemoryNodeStore()
  const t = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
  for (let i = 0; i < n; i++) t.append(hashLeaf(new TextEncoder().encode(`${prefix}${i}`)))
  return { root: bytesToHex(t.root()), store }
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
})
