import type { AnchoredEpoch, EpochHistory } from './readEpochHistory.ts'

/** One epoch with what an auditor looks for. */
export type EpochRow = AnchoredEpoch & {
  /** Leaves added since the previous epoch. */
  entries: bigint
  /** Seconds since the previous checkpoint (since the declaration for the first). */
  gap: bigint
  /** The gap exceeds the log's maximum epoch interval: receipts promised earlier. */
  late: boolean
  /** The tree is smaller than at the previous epoch (the registry refuses this: a bad reader). */
  shrank: boolean
}

/** The history of a log, read for problems. */
export type EpochAnalysis = {
  rows: EpochRow[]
  /** Epoch numbers between 1 and the last one with no event (the registry allows no gaps). */
  missing: bigint[]
  lateCount: number
  /** Seconds since the last checkpoint when that is over the maximum interval (an active log only). */
  overdueBy: bigint | undefined
  largestGap: bigint
}

const MAX_MISSING_LISTED = 1000

/**
 * Reads a log's epoch history for what an auditor must see: leaves per epoch, the gap between
 * checkpoints against the log's maximum epoch interval (late epochs), epochs missing from the
 * events, a shrinking tree, and whether the log is late right now. Pure.
 *
 * Spec: ARCHITECTURE.md (Receipt: inclusion within the maximum epoch interval; epochs 1, 2, 3 …
 * with no gaps; tree size never shrinks).
 *
 * @example analyzeEpochs(history).rows.filter((row) => row.late)
 */
export function analyzeEpochs(history: EpochHistory): EpochAnalysis {
  const sorted = [...history.epochs].sort((a, b) =>
    a.epoch < b.epoch ? -1 : a.epoch > b.epoch ? 1 : 0,
  )
  const rows: EpochRow[] = []
  const missing: bigint[] = []
  let previous: AnchoredEpoch | undefined
  let expected = 1n
  for (const epoch of sorted) {
    for (let e = expected; e < epoch.epoch && missing.length < MAX_MISSING_LISTED; e++)
      missing.push(e)
    const since = previous?.timestamp ?? history.declaredAt
    const gap = epoch.timestamp > since ? epoch.timestamp - since : 0n
    const before = previous?.treeSize ?? 0n
    rows.push({
      ...epoch,
      entries: epoch.treeSize > before ? epoch.treeSize - before : 0n,
      gap,
      late: gap > history.maxEpochInterval,
      shrank: epoch.treeSize < before,
    })
    previous = epoch
    expected = epoch.epoch + 1n
  }
  const last = previous?.timestamp ?? history.declaredAt
  const idle = history.chainTime > last ? history.chainTime - last : 0n
  return {
    rows,
    missing,
    lateCount: rows.filter((r) => r.late).length,
    overdueBy: history.status === 1 && idle > history.maxEpochInterval ? idle : undefined,
    largestGap: rows.reduce((max, r) => (r.gap > max ? r.gap : max), 0n),
  }
}
