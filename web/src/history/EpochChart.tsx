import { formatDuration } from '../ui/formatTime.ts'
import type { EpochRow } from './analyzeEpochs.ts'

const WIDTH = 720
/** Height of one panel's plot area. */
const PLOT = 120
/** Room above a plot for its title and the value labels of the tallest bars. */
const HEAD = 40
/** Room between the first panel's axis and the second panel's title. */
const BETWEEN = 24
const LEFT = 64
const RIGHT = 12
const MOST_BARS = 200
/** Up to this many bars, each carries its value. */
const LABELLED_BARS = 24
/** A non-zero bar is never thinner than this (pixels), so a short gap still shows. */
const MIN_BAR = 3

const GAP_TICKS = [
  [1, '1 s'],
  [60, '1 min'],
  [600, '10 min'],
  [3600, '1 h'],
  [86_400, '1 d'],
  [604_800, '1 wk'],
] as const

/** Logarithmic height: gaps from seconds to days on one panel (a linear one hides all but the longest). */
const logScale = (seconds: number) => Math.log10(1 + Math.max(0, seconds))

/**
 * Two bar charts over the epochs: leaves added per epoch, and the time since the previous
 * checkpoint on a logarithmic scale, against the log's maximum epoch interval (dashed line; late
 * gaps in red). The table below it holds the same numbers for screen readers, so the chart is one
 * labelled image.
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
  const bar = Math.max(1, Math.min(step * 0.7, 64))
  const labelled = shown.length <= LABELLED_BARS
  const interval = Number(maxEpochInterval)
  const maxEntries = Math.max(1, ...shown.map((r) => Number(r.entries)))
  const maxGap = Math.max(interval * 1.5, ...shown.map((r) => Number(r.gap)), 60)

  // Panel 1: entries per epoch.
  const entriesTop = HEAD
  const entriesBase = entriesTop + PLOT
  // Panel 2: time since the previous checkpoint.
  const gapTop = entriesBase + BETWEEN + HEAD
  const gapBase = gapTop + PLOT
  const height = gapBase + 32
  const gapY = (seconds: number) => gapBase - (logScale(seconds) / logScale(maxGap)) * PLOT
  const lineY = gapY(interval)
  const ticks = GAP_TICKS.filter(([s]) => s <= maxGap && Math.abs(gapY(s) - lineY) > 10)
  const x = (i: number) => LEFT + i * step + (step - bar) / 2
  const late = shown.filter((r) => r.late).length
  const label = `Chart of ${shown.length} epochs: at most ${maxEntries} entries per epoch; ${late} gap${late === 1 ? '' : 's'} longer than the maximum epoch interval of ${formatDuration(interval)}.`
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={label}
        fontFamily="system-ui, sans-serif"
      >
        <text x={LEFT} y={16} fontSize="13" fontWeight="600" fill="#1b2430">
          Entries per epoch
        </text>
        <text x={LEFT - 8} y={entriesTop + 4} fontSize="11" textAnchor="end" fill="#5b6573">
          {maxEntries}
        </text>
        <text x={LEFT - 8} y={entriesBase + 4} fontSize="11" textAnchor="end" fill="#5b6573">
          0
        </text>
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={entriesBase} y2={entriesBase} stroke="#9aa4b2" />
        {shown.map((r, i) => {
          const value = Number(r.entries)
          const h = value === 0 ? 0 : Math.max(MIN_BAR, (value / maxEntries) * PLOT)
          return (
            <g key={`e${r.epoch}`}>
              <rect x={x(i)} y={entriesBase - h} width={bar} height={h} fill="#1f5fbf">
                <title>{`epoch ${r.epoch}: ${r.entries} entries`}</title>
              </rect>
              {labelled && (
                <text
                  x={x(i) + bar / 2}
                  y={entriesBase - h - 4}
                  fontSize="11"
                  textAnchor="middle"
                  fill="#1b2430"
                >
                  {value}
                </text>
              )}
            </g>
          )
        })}

        <text x={LEFT} y={gapTop - HEAD + 16} fontSize="13" fontWeight="600" fill="#1b2430">
          Time since the previous checkpoint (log scale)
        </text>
        {ticks.map(([seconds, text]) => (
          <g key={text}>
            <line
              x1={LEFT}
              x2={WIDTH - RIGHT}
              y1={gapY(seconds)}
              y2={gapY(seconds)}
              stroke="#e3e7ec"
            />
            <text x={LEFT - 8} y={gapY(seconds) + 4} fontSize="11" textAnchor="end" fill="#5b6573">
              {text}
            </text>
          </g>
        ))}
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={gapBase} y2={gapBase} stroke="#9aa4b2" />
        {shown.map((r, i) => {
          const seconds = Number(r.gap)
          const h = seconds <= 0 ? 0 : Math.max(MIN_BAR, gapBase - gapY(seconds))
          return (
            <g key={`g${r.epoch}`}>
              <rect
                x={x(i)}
                y={gapBase - h}
                width={bar}
                height={h}
                fill={r.late ? '#b3261e' : '#7a8aa3'}
              >
                <title>{`epoch ${r.epoch}: ${formatDuration(seconds)}${r.late ? ' (late)' : ''}`}</title>
              </rect>
              {labelled && (
                <text
                  x={x(i) + bar / 2}
                  y={gapBase - h - 4}
                  fontSize="11"
                  textAnchor="middle"
                  fill={r.late ? '#b3261e' : '#1b2430'}
                >
                  {formatDuration(seconds)}
                </text>
              )}
            </g>
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
        <text x={LEFT - 8} y={lineY + 4} fontSize="11" textAnchor="end" fill="#b3261e">
          max {formatDuration(interval)}
        </text>
        <text x={LEFT} y={gapBase + 18} fontSize="11" fill="#5b6573">
          epoch {shown[0]?.epoch.toString()}
        </text>
        <text x={WIDTH - RIGHT} y={gapBase + 18} fontSize="11" textAnchor="end" fill="#5b6573">
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
          late: gap over the maximum epoch interval ({formatDuration(interval)})
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
