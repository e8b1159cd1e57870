import { BaseError } from '@tml/core'
import type { LockHolder } from './LockHolder.ts'

/**
 * Another gateway holds the data directory (or its lock file cannot be read): this one refuses
 * to start, since two writers of one log would number, sign and checkpoint two histories.
 * `holder` names the process (pid, host, start time) when the lock file says who it is.
 *
 * @example
 * if (e instanceof DataDirLockedError) console.error(e.shortMessage) // names pid, host, start time
 */
export class DataDirLockedError extends BaseError {
  override name = 'DataDirLockedError' as const
  readonly path: string
  readonly holder: LockHolder | undefined
  constructor({
    path,
    holder,
    reason,
  }: {
    path: string
    holder?: LockHolder
    /** Why the lock cannot be taken when no holder can be named (unreadable file). */
    reason?: string
  }) {
    super(
      holder
        ? `the data directory is in use by another gateway: pid ${holder.pid} on host ${holder.host}, started ${holder.started} (lock ${path})`
        : `the data directory's lock ${path} cannot be read: ${reason ?? 'unknown reason'}`,
      {
        details: holder
          ? `stop that gateway first; a lock held on another host cannot be checked from here: if that gateway is gone for good, delete ${path}.`
          : `if no gateway runs on this directory, delete ${path}.`,
      },
    )
    this.path = path
    this.holder = holder
  }
}
