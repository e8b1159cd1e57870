import type { SeriesSample } from './types.ts'

/** Parameters of {@link windowVolatility}. */
export type WindowVolatilityParameters = {
  series: readonly SeriesSample[]
  /** Unix milliseconds; samples older than `now - windowMs` or later than `now` are ignored. */
  now: number
  windowMs: number
}

/**
 * Volatility σ of a series over a rolling window: the population standard deviation of the
 * simple returns (v[i] / v[i-1] − 1) between consecutive samples inside the window, in time
 * order. A fraction: 0.05 is the protocol's 5 % circuit breaker. `undefined` when the window holds
 * fewer than two returns, or a non-positive value makes returns meaningless.
 *
 * Spec: Sacred Pause Protocol §4.3 (volatility σ over a rolling threshold within t = 10 min).
 *
 * @example
 * windowVolatility({ series: [{ t: 0, value: 100 }, { t: 1, value: 110 }, { t: 2, value: 99 }], now: 2, windowMs: 10 })
 * // 0.1 (returns +10 % and −10 %)
 */
export function windowVolatility({
  series,
  now,
  windowMs,
}: WindowVolatilityParameters): number | undefined {
  const inWindow = series
    .filter((s) => s.t <= now && s.t >= now - windowMs)
    .sort((a, b) => a.t - b.t)
  if (inWindow.length < 3) return undefined
  const returns: number[] = []
  for (let i = 1; i < inWindow.length; i++) {
    const prev = (inWindow[i - 1] as SeriesSample).value
    const cur = (inWindow[i] as SeriesSample).value
    if (!(prev > 0) || !(cur > 0)) return undefined
    returns.push(cur / prev - 1)
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length
  const variance = returns.reduce((a, r) => a + (r - mean) * (r - mean), 0) / returns.length
  return Math.sqrt(variance)
}
