import type { Address } from 'viem'
import { hexToBytes, isHex } from '../bytes/hex.ts'
import type { Checkpoint } from '../checkpoint/Checkpoint.ts'
import { checkpointFromJson } from '../checkpoint/checkpointFromJson.ts'
import { recoverCheckpointSigner } from '../checkpoint/recoverCheckpointSigner.ts'
import { checkInclusion } from '../merkle/checkInclusion.ts'
import { verifyConsistency } from '../merkle/verifyConsistency.ts'
import { FORK_EVIDENCE_VERSION, type ForkEvidenceKind } from './ForkEvidence.ts'

/** What {@link verifyForkEvidence} found. */
export type ForkEvidenceVerdict = {
  /**
   * True when the file proves that the log contradicted itself: both checkpoints are signed, by
   * trusted keys when `signers` was given (else by keys the caller must still compare with the
   * log's), and they contradict each other as `kind` says. For `inconsistent`, true only with
   * `differingLeaf`: a leaf that differs between the two trees, proven in each (see `strength`).
   */
  proven: boolean
  kind: ForkEvidenceKind | undefined
  /**
   * `proof`: two signed checkpoints that cannot both be the log's (what `reportEquivocation`
   * takes on chain). `indication`: the gateway's consistency proof between two signed trees
   * does not verify; the gateway does not sign proofs, so this calls for a proof with leaves
   * (`reportInconsistency`), it is not one. An `inconsistent` file with `differingLeaf` is a
   * `proof`: the leaves are what `reportInconsistency` takes.
   */
  strength: 'proof' | 'indication' | undefined
  /** The addresses that signed the first and the second checkpoint (undefined: unsigned or bad). */
  signers: [Address | undefined, Address | undefined]
  /** Whether both signers are among `signers` (undefined when none was given). */
  signersTrusted: boolean | undefined
  /** One sentence in plain words. */
  summary: string
  /** What is wrong with the file or does not hold, one line each. */
  problems: string[]
}

/**
 * Checks a {@link ForkEvidence} file offline: its two checkpoints parse and belong to the log it
 * names, their signatures recover (and to keys of `signers` when given: the log's checkpoint
 * signers, from the chain's key history or the operator's declaration), and they contradict
 * each other as its `kind` says (one epoch with two trees; a later epoch with a smaller tree; one
 * size with two roots). For `inconsistent`, the served consistency proof must fail to verify
 * (RFC 9162 §2.1.4.2) between the two trees: reported as an indication, not a proof; unless
 * the file has `differingLeaf`: then its index must be below the first tree's size, each leaf's
 * inclusion proof (RFC 9162 §2.1.3.2) must lead to its tree's signed root and the two leaves
 * must differ, which proves that the first tree is not a prefix of the second (the consistency
 * proof is then optional). Never throws on the evidence.
 *
 * @example
 * const verdict = await verifyForkEvidence({ evidence: JSON.parse(text), signers: [signer] })
 * verdict.proven // true: the log signed two contradicting checkpoints
 */
export async function verifyForkEvidence({
  evidence,
  signers,
}: {
  /** The evidence as parsed from JSON: untrusted, any value. */
  evidence: unknown
  /** The log's checkpoint signers the caller trusts; without them, signers are only reported. */
  signers?: readonly Address[] | undefined
}): Promise<ForkEvidenceVerdict> {
  const problems: string[] = []
  const e = (evidence ?? {}) as Record<string, unknown>
  const kind = (
    ['same-epoch', 'tree-shrank', 'same-size-different-roots', 'inconsistent'] as const
  ).find((k) => k === e.kind)
  // Only `inconsistent` evidence is proven by leaves; other kinds ignore the field.
  const leafGiven = kind === 'inconsistent' && e.differingLeaf !== undefined
  const verdict = (
    summary: string,
    more: Partial<ForkEvidenceVerdict> = {},
  ): ForkEvidenceVerdict => ({
    proven: false,
    kind,
    strength:
      kind === undefined
        ? undefined
        : kind === 'inconsistent' && !leafGiven
          ? 'indication'
          : 'proof',
    signers: [undefined, undefined],
    signersTrusted: undefined,
    summary,
    problems,
    ...more,
  })
  if (typeof evidence !== 'object' || evidence === null || e.v !== FORK_EVIDENCE_VERSION)
    problems.push(`not ${FORK_EVIDENCE_VERSION} evidence (v is ${JSON.stringify(e.v)})`)
  if (kind === undefined) problems.push(`unknown kind ${JSON.stringify(e.kind)}`)
  const parsed = (['first', 'second'] as const).map((which) => {
    const side = (e[which] ?? {}) as Record<string, unknown>
    try {
      return { checkpoint: checkpointFromJson(side.checkpoint), signature: side.signature }
    } catch (error) {
      problems.push(`${which}.checkpoint: ${(error as Error).message.split('\n')[0]}`)
      return undefined
    }
  })
  const [first, second] = parsed
  if (problems.length > 0 || first === undefined || second === undefined || kind === undefined)
    return verdict('The file is not usable fork evidence.')
  const logId = typeof e.logId === 'string' ? e.logId.toLowerCase() : undefined
  for (const [which, side] of [
    ['first', first],
    ['second', second],
  ] as const)
    if (side.checkpoint.logId.toLowerCase() !== logId)
      problems.push(
        `${which}.checkpoint is of log ${side.checkpoint.logId}, the file names ${String(e.logId)}`,
      )

  const signed = await Promise.all(
    [first, second].map(async (side, i) => {
      const which = i === 0 ? 'first' : 'second'
      if (side.signature === null || side.signature === undefined) {
        problems.push(`${which}: no signature (a chain's event only): not the log's signed word`)
        return undefined
      }
      if (typeof side.signature !== 'string' || !isHex(side.signature, 65)) {
        problems.push(`${which}.signature is not 65 bytes of hex`)
        return undefined
      }
      try {
        return await recoverCheckpointSigner({
          checkpoint: side.checkpoint,
          signature: side.signature,
        })
      } catch (error) {
        problems.push(`${which}.signature: ${(error as Error).message.split('\n')[0]}`)
        return undefined
      }
    }),
  )
  const signerPair: [Address | undefined, Address | undefined] = [signed[0], signed[1]]
  let signersTrusted: boolean | undefined
  if (signers !== undefined) {
    const trusted = new Set(signers.map((s) => s.toLowerCase()))
    signersTrusted = signerPair.every((s) => s !== undefined && trusted.has(s.toLowerCase()))
    for (const [i, s] of signerPair.entries())
      if (s !== undefined && !trusted.has(s.toLowerCase()))
        problems.push(
          `${i === 0 ? 'first' : 'second'} checkpoint signed by ${s}, not by a trusted signer (${signers.join(', ')})`,
        )
  }

  const contradiction = contradicts(
    kind,
    first.checkpoint,
    second.checkpoint,
    e.consistencyProof,
    leafGiven,
  )
  if (contradiction !== true) problems.push(contradiction)
  // Only once the trees are of the sizes an inconsistency needs: the leaf's index depends on them.
  const leaf =
    leafGiven && contradiction === true
      ? differingLeaf(first.checkpoint, second.checkpoint, e.differingLeaf)
      : undefined
  if (Array.isArray(leaf)) problems.push(...leaf)
  const ok = problems.length === 0
  const a = first.checkpoint
  const b = second.checkpoint
  const what = `epoch ${a.epoch} (size ${a.treeSize}, root ${a.rootHash}) and epoch ${b.epoch} (size ${b.treeSize}, root ${b.rootHash})`
  if (!ok)
    return verdict(`The evidence does not hold: ${problems[0]}.`, {
      signers: signerPair,
      signersTrusted,
    })
  const by =
    signersTrusted === true
      ? 'signed by the log’s trusted keys'
      : `signed by ${[...new Set(signerPair)].join(' and ')} (compare with the log’s keys)`
  if (kind === 'inconsistent' && leaf !== undefined && !Array.isArray(leaf))
    return verdict(
      `The log signed two trees that cannot both be true: leaf ${leaf.leafIndex} is ${leaf.inFirst} in ${describeTree(a)} and ${leaf.inSecond} in ${describeTree(b)}, each proven against its signed root, both ${by}: the smaller tree is not a prefix of the larger.`,
      { proven: true, signers: signerPair, signersTrusted },
    )
  if (kind === 'inconsistent')
    return verdict(
      `The gateway’s consistency proof does not link ${what}, both ${by}: an indication of a fork, to be proven with a leaf of each tree.`,
      { signers: signerPair, signersTrusted },
    )
  return verdict(`The log signed two checkpoints that cannot both be true: ${what}, ${by}.`, {
    proven: true,
    signers: signerPair,
    signersTrusted,
  })
}

function describeTree(c: Checkpoint): string {
  return `the tree of epoch ${c.epoch} (size ${c.treeSize}, root ${c.rootHash})`
}

// True when the two checkpoints contradict each other as `kind` says, else why not. With leaves
// (`leafGiven`) an inconsistency needs no consistency proof; one given must still fail.
function contradicts(
  kind: ForkEvidenceKind,
  a: Checkpoint,
  b: Checkpoint,
  proof: unknown,
  leafGiven: boolean,
): true | string {
  const sameTree =
    a.treeSize === b.treeSize && a.rootHash.toLowerCase() === b.rootHash.toLowerCase()
  switch (kind) {
    case 'same-epoch':
      return a.epoch === b.epoch && !sameTree
        ? true
        : 'same-epoch needs one epoch with two different trees'
    case 'tree-shrank': {
      const [early, late] = a.epoch < b.epoch ? [a, b] : [b, a]
      return early.epoch < late.epoch && late.treeSize < early.treeSize
        ? true
        : 'tree-shrank needs a later epoch with a smaller tree'
    }
    case 'same-size-different-roots':
      return a.treeSize === b.treeSize && a.rootHash.toLowerCase() !== b.rootHash.toLowerCase()
        ? true
        : 'same-size-different-roots needs one tree size with two roots'
    case 'inconsistent': {
      if (!(a.treeSize < b.treeSize))
        return 'inconsistent needs the first tree smaller than the second'
      if (proof === undefined && leafGiven) return true
      if (!Array.isArray(proof) || !proof.every((h) => typeof h === 'string' && isHex(h, 32)))
        return 'inconsistent needs the served consistencyProof (32-byte hex hashes)'
      const valid = verifyConsistency({
        size1: a.treeSize,
        size2: b.treeSize,
        root1: hexToBytes(a.rootHash),
        root2: hexToBytes(b.rootHash),
        proof: proof.map((h) => hexToBytes(h as `0x${string}`)),
      })
      return valid ? 'the consistency proof verifies: the trees are consistent' : true
    }
  }
}

/**
 * The leaf of `evidence.differingLeaf` when it proves that the trees of `a` (the smaller) and `b`
 * differ at one index below `a`'s size: both inclusion proofs lead to the signed roots and the
 * two leaf hashes differ. Else what is wrong, one line each. `leaf` is untrusted.
 */
function differingLeaf(
  a: Checkpoint,
  b: Checkpoint,
  leaf: unknown,
): { leafIndex: number; inFirst: string; inSecond: string } | string[] {
  if (typeof leaf !== 'object' || leaf === null || Array.isArray(leaf))
    return [`differingLeaf must be an object, got ${JSON.stringify(leaf)}`]
  const l = leaf as Record<string, unknown>
  const index = l.leafIndex
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0)
    return [`differingLeaf.leafIndex must be an integer from 0, got ${JSON.stringify(index)}`]
  // Above the smaller tree the larger one may hold anything: no contradiction there.
  if (BigInt(index) >= a.treeSize)
    return [
      `differingLeaf.leafIndex ${index} is not below the first tree's size ${a.treeSize}: only a leaf both trees hold can differ`,
    ]
  const problems: string[] = []
  const hashes: string[] = []
  for (const [which, tree] of [
    ['first', a],
    ['second', b],
  ] as const) {
    const side = l[which] as Record<string, unknown> | null | undefined
    const at = `differingLeaf.${which}`
    if (typeof side !== 'object' || side === null) {
      problems.push(`${at} is missing: a leaf hash and its inclusion proof in the ${which} tree`)
      continue
    }
    if (!isHex(side.leafHash, 32)) {
      problems.push(`${at}.leafHash is not 32 bytes of hex: ${JSON.stringify(side.leafHash)}`)
      continue
    }
    const proof = side.proof
    if (!Array.isArray(proof)) {
      problems.push(`${at}.proof is not an array of 32-byte hex hashes`)
      continue
    }
    const bad = proof.findIndex((h) => !isHex(h, 32))
    if (bad !== -1) {
      problems.push(`${at}.proof[${bad}] is not 32 bytes of hex: ${JSON.stringify(proof[bad])}`)
      continue
    }
    const checked = checkInclusion({
      leafIndex: index,
      treeSize: tree.treeSize,
      leafHash: hexToBytes(side.leafHash),
      proof: proof.map((h) => hexToBytes(h as `0x${string}`)),
      root: hexToBytes(tree.rootHash),
    })
    if (!checked.valid) {
      problems.push(
        `${at}: the inclusion proof of leaf ${index} does not lead to the ${which} tree's signed root (size ${tree.treeSize}): ${checked.reason}`,
      )
      continue
    }
    hashes.push(side.leafHash.toLowerCase())
  }
  if (problems.length > 0) return problems
  const [inFirst, inSecond] = hashes as [string, string]
  if (inFirst === inSecond)
    return [
      `differingLeaf: leaf ${index} is ${inFirst} in both trees: they do not differ there, no fork is shown`,
    ]
  return { leafIndex: index, inFirst, inSecond }
}
