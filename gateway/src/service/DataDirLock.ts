import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DataDirLockedError } from './DataDirLockedError.ts'
import type { LockHolder } from './LockHolder.ts'

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'gateway.lock'

/**
 * One writer per log: a gateway holds its data directory through `DATA/gateway.lock` (pid, host,
 * start time) for as long as it runs. A second gateway on the same directory refuses to start,
 * naming the holder. A lock left by a gateway that died (a pid that no longer runs on this host,
 * or now belongs to another process) is stale: it is taken over, and `onStale` says so.
 *
 * The file is written whole under a temporary name and linked into place (`link` fails when the
 * name exists), so a lock is never seen half-written and two starters cannot both create it.
 *
 * @example
 * const lock = DataDirLock.acquire({ dir: './data', onStale: (h) => log.warn(h, 'stale lock taken over') })
 * // … run …
 * lock.release()
 */
export class DataDirLock {
  readonly path: string
  readonly #text: string
  #released = false

  private constructor(path: string, text: string) {
    this.path = path
    this.#text = text
  }

  /**
   * Takes the lock of `dir` (created if missing).
   * @throws {DataDirLockedError} when a live gateway holds it, or its lock file cannot be read.
   */
  static acquire({
    dir,
    onStale,
  }: {
    dir: string
    onStale?: (holder: LockHolder) => void
  }): DataDirLock {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, LOCK_FILE)
    const mine: LockHolder = {
      pid: process.pid,
      host: hostname(),
      started: new Date().toISOString(),
      processStart: processStartOf(process.pid),
    }
    const text = `${JSON.stringify(mine)}\n`
    // Two rounds at most: create, or find a stale lock, move it away, and create.
    for (let round = 0; round < 2; round++) {
      if (linkInPlace(path, text)) return new DataDirLock(path, text)
      const found = readHolder(path)
      if (found === undefined) continue // the holder released it meanwhile
      if (!isStale(found.holder)) throw new DataDirLockedError({ path, holder: found.holder })
      takeOver(path, found)
      onStale?.(found.holder)
    }
    const last = readHolder(path)
    throw new DataDirLockedError({
      path,
      ...(last ? { holder: last.holder } : { reason: 'another gateway is taking it' }),
    })
  }

  /** Removes the lock file, if it is still this gateway's. Safe to call twice. */
  release(): void {
    if (this.#released) return
    this.#released = true
    try {
      if (readFileSync(this.path, 'utf8') === this.#text) unlinkSync(this.path)
    } catch {
      // Already gone: nothing to release.
    }
  }
}

// Creates `path` with `text` atomically; false when it exists.
function linkInPlace(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`
  writeFileSync(tmp, text, { flush: true })
  try {
    linkSync(tmp, path)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  } finally {
    unlinkSync(tmp)
  }
}

type Found = { holder: LockHolder; text: string }

// The lock's holder; undefined when the file is gone. A file that does not say who holds it is
// refused rather than guessed stale: deleting a live gateway's lock would allow two writers.
function readHolder(path: string): Found | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new DataDirLockedError({ path, reason: (e as Error).message })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new DataDirLockedError({ path, reason: 'not JSON' })
  }
  const v = value as Partial<LockHolder> | null
  if (
    typeof v !== 'object' ||
    v === null ||
    !Number.isSafeInteger(v.pid) ||
    typeof v.host !== 'string' ||
    typeof v.started !== 'string'
  ) {
    throw new DataDirLockedError({ path, reason: 'it does not name a pid, host and start time' })
  }
  return {
    holder: {
      pid: v.pid as number,
      host: v.host,
      started: v.started,
      processStart: typeof v.processStart === 'number' ? v.processStart : null,
    },
    text,
  }
}

// Only a holder on this host can be checked: a pid that does not run, or that now belongs to a
// process started at another time, is gone.
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false
  try {
    process.kill(holder.pid, 0)
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
  const start = processStartOf(holder.pid)
  return holder.processStart !== null && start !== null && start !== holder.processStart
}

// Moves the stale lock aside and checks that what moved is the file that was judged stale: if
// another starter replaced it meanwhile, that one's lock is put back and this start refused.
function takeOver(path: string, stale: Found): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString('hex')}`
  try {
    renameSync(path, aside)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw e
  }
  const moved = readFileSync(aside, 'utf8')
  if (moved !== stale.text) {
    try {
      linkSync(aside, path)
    } finally {
      unlinkSync(aside)
    }
    const other = readHolder(path)
    throw new DataDirLockedError({
      path,
      ...(other ? { holder: other.holder } : { reason: 'another gateway is taking it' }),
    })
  }
  unlinkSync(aside)
}

// Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), where Linux
// exposes it; null elsewhere. The command name (field 2) may hold spaces and parentheses, so the
// fields are counted from the last ')'.
function processStartOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const value = Number(rest[19])
    return Number.isSafeInteger(value) ? value : null
  } catch {
    return null
  }
}
