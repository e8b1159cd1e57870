import { BaseError } from '@tml/core'

/**
 * A store's database is not at the schema this gateway expects: migrations are pending (apply
 * them with `tml db migrate`), or the database was migrated by a newer gateway (it holds
 * migrations this one does not know). `code` tells which: `TML_PENDING_MIGRATIONS` or
 * `TML_UNKNOWN_MIGRATIONS`.
 *
 * @example
 * throw new MigrationError('log.db has 1 pending migration', { code: 'TML_PENDING_MIGRATIONS', names: ['0002_x'] })
 */
export class MigrationError extends BaseError {
  override name = 'MigrationError' as const
  readonly code: 'TML_PENDING_MIGRATIONS' | 'TML_UNKNOWN_MIGRATIONS'
  /** The pending (or unknown) migrations, in order. */
  readonly names: readonly string[]
  constructor(
    shortMessage: string,
    { code, names }: { code: MigrationError['code']; names: readonly string[] },
  ) {
    super(shortMessage, { details: `migrations: ${names.join(', ')}` })
    this.code = code
    this.names = names
  }
}
