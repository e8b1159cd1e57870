import type { EpochAnalysis } from './analyzeEpochs.ts'
import type { ConsistencyResult } from './checkEpochConsistency.ts'
import type { EpochHistory } from './readEpochHistory.ts'

const COLUMNS = [
  'epoch',
  'treeSize',
  'entries',
  'rootHash',
  'timestamp',
  'timeUtc',
  'gapSeconds',
  'late',
  'blockNumber',
  'transactionHash',
  'consistentWithPrevious',
] as const

function isoTime(seconds: bigint): string {
  const ms = Number(seconds) * 1000
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : ''
}

function consistencyWord(result: ConsistencyResult | undefined): string {
  if (result === undefined) return 'not checked'
  return result.status === 'ok'
    ? 'yes'
    : result.status === 'failed'
      ? `no: ${result.reason}`
      : result.reason
}

/**
 * The epoch history as CSV (RFC 4180: comma separated, CRLF, fields with quotes, commas or line
 * breaks quoted), one row per epoch, with the consistency verdicts when they were checked.
 *
 * @example download('epochs.csv', historyToCsv(analysis, consistency))
 */
export function historyToCsv(
  analysis: EpochAnalysis,
  consistency: ReadonlyMap<bigint, ConsistencyResult> = new Map(),
): string {
  const quote = (value: string) =>
    /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
  const lines = [COLUMNS.join(',')]
  for (const row of analysis.rows) {
    lines.push(
      [
        row.epoch.toString(),
        row.treeSize.toString(),
        row.entries.toString(),
        row.rootHash,
        row.timestamp.toString(),
        isoTime(row.timestamp),
        row.gap.toString(),
        String(row.late),
        row.blockNumber.toString(),
        row.transactionHash,
        consistencyWord(consistency.get(row.epoch)),
      ]
        .map(quote)
        .join(','),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

/**
 * The epoch history as JSON: the log, its epochs (uint64 values as decimal strings, so no reader
 * loses precision), missing epochs, equivocation reports and consistency verdicts.
 *
 * @example download('epochs.json', historyToJson(history, analysis, consistency))
 */
export function historyToJson(
  history: EpochHistory,
  analysis: EpochAnalysis,
  consistency: ReadonlyMap<bigint, ConsistencyResult> = new Map(),
): string {
  const value = {
    format: 'tml-epoch-history/1',
    chainId: history.chainId,
    logId: history.logId,
    operator: history.operator,
    name: history.name,
    maxEpochInterval: history.maxEpochInterval.toString(),
    status:
      ['unknown', 'active', 'retired', 'compromised'][history.status] ?? String(history.status),
    readAt: history.chainTime.toString(),
    epochs: analysis.rows.map((row) => ({
      epoch: row.epoch.toString(),
      treeSize: row.treeSize.toString(),
      entries: row.entries.toString(),
      rootHash: row.rootHash,
      timestamp: row.timestamp.toString(),
      timeUtc: isoTime(row.timestamp),
      gapSeconds: row.gap.toString(),
      late: row.late,
      blockNumber: row.blockNumber.toString(),
      transactionHash: row.transactionHash,
      consistentWithPrevious: consistencyWord(consistency.get(row.epoch)),
    })),
    missingEpochs: analysis.missing.map(String),
    equivocations: history.equivocations.map((e) => ({
      kind: e.kind,
      firstEpoch: e.firstEpoch.toString(),
      secondEpoch: e.secondEpoch.toString(),
      reporter: e.reporter,
      blockNumber: e.blockNumber.toString(),
      transactionHash: e.transactionHash,
    })),
  }
  return `${JSON.stringify(value, null, 2)}\n`
}
