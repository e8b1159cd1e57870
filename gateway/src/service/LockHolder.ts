/** Who holds a data directory, as its lock file says. */
export type LockHolder = {
  pid: number
  host: string
  /** When the holder started (ISO 8601). */
  started: string
  /**
   * The holder's process start time in clock ticks since boot (Linux `/proc/PID/stat`), or null
   * where unknown: a dead holder's pid may be reused by another process, and this tells them apart.
   */
  processStart: number | null
}
