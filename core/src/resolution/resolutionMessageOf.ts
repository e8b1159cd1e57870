import type { MtlResolution } from '../mtl/types.ts'
import type { ResolutionMessage } from './resolutionTypedData.ts'

/** What {@link resolutionMessageOf} returns: the signed message, or the members it lacks. */
export type ResolutionMessageOfReturnType =
  | { message: ResolutionMessage; missing?: undefined }
  | { message?: undefined; missing: string[] }

/**
 * Rebuilds, from a resolution MTL alone, the EIP-712 message its reviewer signed: `log_id`,
 * `refers_to` (the pause id), `resolution.pause_leaf_hash`, `resolution.decision`,
 * `resolution.rationale_hash` and `resolution.deadline`. Records written before the last two
 * were logged lack them; then the members missing are named, and the signature cannot be checked
 * from the log.
 *
 * Spec: docs/formats.md, Pause resolutions.
 *
 * @example
 * const { message, missing } = resolutionMessageOf(mtl)
 * if (missing) console.log(`cannot check: no ${missing.join(', ')}`)
 */
export function resolutionMessageOf(mtl: MtlResolution): ResolutionMessageOfReturnType {
  const r = mtl.resolution
  const missing: string[] = []
  if (r.pause_leaf_hash === undefined) missing.push('resolution.pause_leaf_hash')
  if (r.deadline === undefined) missing.push('resolution.deadline')
  if (r.pause_leaf_hash === undefined || r.deadline === undefined) return { missing }
  return {
    message: {
      logId: mtl.log_id,
      pauseId: mtl.refers_to,
      pauseLeafHash: r.pause_leaf_hash,
      decision: r.decision,
      rationaleHash: r.rationale_hash,
      deadline: BigInt(r.deadline),
    },
  }
}
