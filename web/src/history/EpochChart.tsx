import { formatDuration } from '../ui/formatTime.ts'
import type { EpochRow } from './analyzeEpochs.ts'

const WIDTH = 720
const PANEL = 110
const LEFT = 56
const RIGHT = 12
const MOST_BARS = 200

/**
 * Two bar charts over the epochs: leaves added per epoch, and the gap before each checkpoint
 * against the log's maximum epoch interval (dashed line; late gaps in red). The table below it
 * holds the same numbers for screen readers, so the chart is one labelled image.
 */
export function EpochChart({
  rows,
  maxEpochInterval,
}: {
  rows: EpochRow[]
  maxEpochInterval: bigint
}) {
  const shown = rows.slice(-MOST_BARS)
  if (shown.length === 0) return null
  const plot = WIDTH - LEFT - RIGHT
  const step = plot / shown.length
  const bar = Math.max(1, step * 0.7)
  const maxEntries = Math.max(1, ...shown.map((r) => Number(r.entries)))
  const maxGap = Math.max(Number(maxEpochInterval) * 1.2, ...shown.map((r) => Number(r.gap)), 1)
  const gapTop = PANEL + 40
  const lineY = gapTop + PANEL - (Number(maxEpochInterval) / maxGap) * PANEL
  const late = shown.filter((r) => r.late).length
  const label = `Chart of ${shown.length} epochs: at most ${maxEntries} entries per epoch; ${late} gap${late === 1 ? '' : 's'} longer than the maximum epoch interval of ${formatDuration(Number(maxEpochInterval))}.`
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${WIDTH} ${gapTop + PANEL + 28}`}
        role="img"
        aria-label={label}
      >
        <text x={LEFT} y={14} fontSize="13" fontWeight="600">
          Entries per epoch
        </text>
        <text x={LEFT - 6} y={24} fontSize="11" textAnchor="end">
          {maxEntries}
        </text>
        <text x={LEFT - 6} y={20 + PANEL} fontSize="11" textAnchor="end">
          0
        </text>
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={20 + PANEL} y2={20 + PANEL} stroke="#9aa4b2" />
        {shown.map((r, i) => {
          const h = (Number(r.entries) / maxEntries) * (PANEL - 10)
          return (
            <rect
              key={`e${r.epoch}`}
              x={LEFT + i * step + (step - bar) / 2}
              y={20 + PANEL - h}
              width={bar}
              height={h}
              fill="#1f5fbf"
            >
              <title>{`epoch ${r.epoch}: ${r.entries} entries`}</title>
            </rect>
          )
        })}
        <text x={LEFT} y={gapTop - 6} fontSize="13" fontWeight="600">
          Time since the previous checkpoint
        </text>
        <line
          x1={LEFT}
          x2={WIDTH - RIGHT}
          y1={gapTop + PANEL}
          y2={gapTop + PANEL}
          stroke="#9aa4b2"
        />
        {shown.map((r, i) => {
          const h = (Number(r.gap) / maxGap) * PANEL
          return (
            <rect
              key={`g${r.epoch}`}
              x={LEFT + i * step + (step - bar) / 2}
              y={gapTop + PANEL - h}
              width={bar}
              height={h}
              fill={r.late ? '#b3261e' : '#7a8aa3'}
            >
              <title>{`epoch ${r.epoch}: ${formatDuration(Number(r.gap))}${r.late ? ' (late)' : ''}`}</title>
            </rect>
          )
        })}
        <line
          x1={LEFT}
          x2={WIDTH - RIGHT}
          y1={lineY}
          y2={lineY}
          stroke="#b3261e"
          strokeDasharray="6 4"
        />
        <text x={LEFT - 6} y={lineY + 4} fontSize="11" textAnchor="end" fill="#b3261e">
          max
        </text>
        <text x={LEFT} y={gapTop + PANEL + 18} fontSize="11">
          epoch {shown[0]?.epoch.toString()}
        </text>
        <text x={WIDTH - RIGHT} y={gapTop + PANEL + 18} fontSize="11" textAnchor="end">
          epoch {shown.at(-1)?.epoch.toString()}
        </text>
      </svg>
      <figcaption className="chart-legend">
        <span>
          <span className="swatch" style={{ background: '#1f5fbf' }} />
          entries
        </span>
        <span>
          <span className="swatch" style={{ background: '#7a8aa3' }} />
          gap on time
        </span>
        <span>
          <span className="swatch" style={{ background: '#b3261e' }} />
          late: gap over the maximum epoch interval ({formatDuration(Number(maxEpochInterval))})
        </span>
        {rows.length > shown.length && (
          <span>
            last {MOST_BARS} of {rows.length} epochs
          </span>
        )}
      </figcaption>
    </figure>
  )
}
