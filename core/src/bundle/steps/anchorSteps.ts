import { isHex } from '../../bytes/hex.ts'
import { checkpointStructHash } from '../../checkpoint/checkpointStructHash.ts'
import { describeValue } from '../../checkpoint/describeValue.ts'
import type { AnchoredCheckpoint, ReadCheckpoint } from '../ReadCheckpoint.ts'
import type { BundleParts } from '../readBundle.ts'
import type { VerificationStep } from '../VerificationStep.ts'
import { errorMessage, Problems } from './Problems.ts'

export type AnchorStepsParameters = {
  parts: BundleParts
  readCheckpoint: ReadCheckpoint
}

/**
 * Steps `anchor:<chainId>`, one per well-formed anchor, then `anchored`: each chain's registry
 * holds, for the checkpoint's log and epoch, the checkpoint's EIP-712 struct hash (so its root,
 * tree size and time); at least one does. The chains are read in parallel; a reader that throws fails its own step, never the
 * verification. Internal to verifyBundle.
 *
 * Spec: ARCHITECTURE.md, Contracts (CheckpointRegistry `checkpointHashAt`).
 *
 * @example await anchorSteps({ parts, readCheckpoint })
 */
export async function anchorSteps({
  parts,
  readCheckpoint,
}: AnchorStepsParameters): Promise<VerificationStep[]> {
  const anchors = parts.anchors ?? []
  const steps = await Promise.all(
    anchors.map(async ({ chainId, registry }): Promise<VerificationStep> => {
      const problems = new Problems()
      const { checkpoint } = parts
      if (checkpoint === undefined)
        problems.add('not checked: the checkpoint is malformed (see the bundle step)')
      else {
        try {
          const held: unknown = await readCheckpoint(
            chainId,
            registry,
            checkpoint.logId,
            checkpoint.epoch,
          )
          if (held === null)
            problems.add(`epoch ${checkpoint.epoch} not anchored on chain ${chainId}`)
          else if (!isAnchoredCheckpoint(held)) {
            problems.add(
              `the reader of chain ${chainId} returned a malformed answer: ${describeValue(held)}`,
            )
          } else {
            const expected = checkpointStructHash(checkpoint)
            if (held.checkpointHash.toLowerCase() !== expected) {
              problems.add(
                `chain ${chainId} holds checkpoint hash ${held.checkpointHash.toLowerCase()} for epoch ${checkpoint.epoch}, the bundle's checkpoint hashes to ${expected} (another tree size, root or time)`,
              )
            }
          }
        } catch (error) {
          problems.add(`reading chain ${chainId} failed: ${errorMessage(error)}`)
        }
      }
      return problems.step(`anchor:${chainId}`, `The checkpoint is anchored on chain ${chainId}`)
    }),
  )
  const anchored = new Problems()
  if (anchors.length === 0) anchored.add('the bundle has no well-formed anchor')
  else if (!steps.some((step) => step.ok)) {
    anchored.add(`no anchor is confirmed (chains ${anchors.map((a) => a.chainId).join(', ')})`)
  }
  return [...steps, anchored.step('anchored', 'The checkpoint is anchored on at least one chain')]
}

function isAnchoredCheckpoint(value: unknown): value is AnchoredCheckpoint {
  if (typeof value !== 'object' || value === null) return false
  return isHex((value as Record<string, unknown>).checkpointHash, 32)
}
