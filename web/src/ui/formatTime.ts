/**
 * A unix time in seconds as an unambiguous UTC date and time.
 * @example formatTime(1741944700n) // '2025-03-14 09:31:40 UTC'
 */
export function formatTime(seconds: bigint | number | undefined): string {
  if (seconds === undefined) return 'unknown'
  const ms = Number(seconds) * 1000
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `${seconds} (out of range)`
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/**
 * A duration in seconds in the largest unit that reads well.
 * @example formatDuration(5400) // '1 h 30 min'
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  if (s < 86400)
    return `${Math.floor(s / 3600)} h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`
  return `${Math.floor(s / 86400)} d${s % 86400 >= 3600 ? ` ${Math.floor((s % 86400) / 3600)} h` : ''}`
}
