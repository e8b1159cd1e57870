import { explorerLink } from '../chain/explorerLink.ts'
import type { ExplorerPatterns } from '../config/AppConfig.ts'
import { formatDuration, formatTime } from '../ui/formatTime.ts'
import { MaybeLink } from '../ui/MaybeLink.tsx'
import type { EpochRow } from './analyzeEpochs.ts'
import type { ConsistencyResult } from './checkEpochConsistency.ts'

/** The epochs as a table; late epochs and failed consistency checks stand out (and say so). */
export function EpochTable({
  rows,
  explorer,
  consistency,
}: {
  rows: EpochRow[]
  explorer: ExplorerPatterns
  consistency: ReadonlyMap<bigint, ConsistencyResult>
}) {
  return (
    <div className="table-wrap">
      <table className="epochs">
        <caption>Anchored epochs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Epoch</th>
            <th scope="col">Tree size</th>
            <th scope="col">Entries</th>
            <th scope="col">Root</th>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Gap</th>
            <th scope="col">Transaction</th>
            <th scope="col">Consistent with previous</th>
          </tr>
        </thead>
        <tbody>
          {[...rows].reverse().map((row) => {
            const check = consistency.get(row.epoch)
            const bad = row.shrank || check?.status === 'failed'
            return (
              <tr
                key={row.epoch.toString()}
                className={bad ? 'bad' : row.late ? 'late' : undefined}
                data-epoch={row.epoch.toString()}
              >
                <th scope="row">{row.epoch.toString()}</th>
                <td>{row.treeSize.toString()}</td>
                <td>
                  {row.entries.toString()}
                  {row.shrank && <strong> (tree shrank!)</strong>}
                </td>
                <td className="hex">{row.rootHash}</td>
                <td>{formatTime(row.timestamp)}</td>
                <td>
                  {formatDuration(Number(row.gap))}
                  {row.late && <strong className="late-flag"> late</strong>}
                </td>
                <td className="hex">
                  <MaybeLink href={explorerLink(explorer, 'tx', row.transactionHash)}>
                    {row.transactionHash}
                  </MaybeLink>
                  <br />
                  block {row.blockNumber.toString()}
                </td>
                <td data-consistency={check?.status ?? 'none'}>
                  {check === undefined
                    ? '—'
                    : check.status === 'ok'
                      ? '✓ proven'
                      : check.status === 'failed'
                        ? `✗ ${check.reason}`
                        : check.reason}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
