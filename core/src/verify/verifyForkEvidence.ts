import type { Address } from 'viem'
import { hexToBytes, isHex } from '../bytes/hex.ts'
import type { Checkpoint } from '../checkpoint/Checkpoint.ts'
import { checkpointFromJson } from '../checkpoint/checkpointFromJson.ts'
import { recoverCheckpointSigner } from '../checkpoint/recoverCheckpointSigner.ts'
import { verifyConsistency } from '../merkle/verifyConsistency.ts'
import { FORK_EVIDENCE_VERSION, type ForkEvidenceKind } from './ForkEvidence.ts'

/** What {@link verifyForkEvidence} found. */
export type ForkEvidenceVerdict = {
  /**
   * True when the file proves that the log contradicted itself: both checkpoints are signed, by
   * trusted keys when `signers` was given (else by keys the caller must still compare with the
   * log's), and they contradict each other as `kind` says. Always false for `inconsistent`,
   * which shows a failing proof, not a fork (see `strength`).
   */
  proven: boolean
  kind: ForkEvidenceKind | undefined
  /**
   * `proof`: two signed checkpoints that cannot both be the log's (what `reportEquivocation`
   * takes on chain). `indication`: the gateway's consistency proof between two signed trees
   * does not verify; the gateway does not sign proofs, so this calls for a proof with leaves
   * (`reportInconsistency`), it is not one.
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
 * (RFC 9162 §2.1.4.2) between the two trees: reported as an indication, not a proof. Never
 * throws on the evidence.
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
  const verdict = (
    summary: string,
    more: Partial<ForkEvidenceVerdict> = {},
  ): ForkEvidenceVerdict => ({
    proven: false,
    kind,
    strength: kind === undefined ? undefined : kind === 'inconsistent' ? 'indication' : 'proof',
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

  const contradiction = contradicts(kind, first.checkpoint, second.checkpoint, e.consistencyProof)
  if (contradiction !== true) problems.push(contradiction)
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

// True when the two checkpoints contradict each other as `kind` says, else why not.
function contradicts(
  kind: ForkEvidenceKind,
  a: Checkpoint,
  b: Checkpoint,
  proof: unknown,
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
