import { BaseError } from '@tml/core'

/**
 * The store could not durably write (disk full, read-only, corrupt, gone) or refused a batch
 * that would break the log (a gap in `seq`). `code` is the store's own code (`SQLITE_FULL`…), so
 * that the trigger detail of the -1 answers says why. Every kind of damage to the file
 * (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB) is reported as `SQLITE_CORRUPT`, the
 * exact code staying in the message: operators and alerts need one reason for "restore the file".
 *
 * @example
 * new StoreError('append failed', { code: 'SQLITE_FULL', cause })
 */
export class StoreError extends BaseError {
  override name = 'StoreError' as const
  readonly code: string
  constructor(shortMessage: string, { code, cause }: { code: string; cause?: unknown }) {
    super(shortMessage, { details: `code ${code}`, cause })
    this.code = code
  }
}
