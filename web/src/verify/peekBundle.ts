import {
  type BundleAnchor,
  type CheckpointJson,
  isHex,
  type Mtl,
  validateCheckpointJson,
  validateMtl,
} from '@tml/core'
import { isAddress } from 'viem'

/** The parts of an untrusted bundle the page needs before (and besides) core's verification. */
export type BundlePeek = {
  checkpoint: CheckpointJson | undefined
  anchors: BundleAnchor[]
  ots: string | undefined
  /** The MTL when it follows mtl/1 (only then is it shown as a decision). */
  mtl: Mtl | undefined
}

/**
 * Picks the well-formed checkpoint, anchors, OpenTimestamps proof and MTL out of an untrusted
 * bundle, leaving out whatever is malformed (core's `bundle` step reports it). Never throws.
 *
 * @example peekBundle(JSON.parse(text)).anchors.map((a) => a.chainId)
 */
export function peekBundle(value: unknown): BundlePeek {
  const peek: BundlePeek = { checkpoint: undefined, anchors: [], ots: undefined, mtl: undefined }
  try {
    if (typeof value !== 'object' || value === null) return peek
    const record = value as Record<string, unknown>
    const checkpoint = validateCheckpointJson(record.checkpoint)
    if (checkpoint.valid) peek.checkpoint = checkpoint.checkpoint
    if (Array.isArray(record.anchors)) {
      for (const anchor of record.anchors.slice(0, 16)) {
        if (typeof anchor !== 'object' || anchor === null) continue
        const { chainId, registry, txHash, blockNumber } = anchor as Record<string, unknown>
        if (
          Number.isSafeInteger(chainId) &&
          (chainId as number) > 0 &&
          typeof registry === 'string' &&
          isAddress(registry, { strict: false }) &&
          isHex(txHash, 32) &&
          Number.isSafeInteger(blockNumber) &&
          (blockNumber as number) >= 0
        )
          peek.anchors.push({
            chainId: chainId as number,
            registry,
            txHash,
            blockNumber: blockNumber as number,
          })
      }
    }
    if (typeof record.ots === 'string') peek.ots = record.ots
    const mtl = validateMtl(record.mtl)
    if (mtl.valid) peek.mtl = mtl.mtl
  } catch {
    // A hostile value (throwing getter, proxy): what was read so far stands.
  }
  return peek
}
