import { MigrationError } from './MigrationError.ts'

/**
 * Refuses a database whose applied migrations are not all known, with the
 * message an operator needs: what is pending and the command that applies it.
 *
 * @example
 * assertMigrated({ where: 'data/log.db', known: ['0001_initial'], applied: ['0001_initial'], migrateHint: 'tml db migrate --data data' })
 */
export function assertMigrated({
  where,
  known,
  applied,
  migrateHint,
}: {
  where: string
  known: readonly string[]
  applied: readonly string[]
  migrateHint: string
}): void {
  const unknown = applied.filter((name) => !known.includes(name))
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database ${where} was migrated by a newer gateway (unknown migrations ${unknown.join(', ')}): upgrade this gateway`,
      { code: 'TML_UNKNOWN_MIGRATIONS', names: unknown },
    )
  }
  const pending = known.filter((name) => !applied.includes(name))
  if (pending.length > 0) {
    throw new MigrationError(
      `The database ${where} has ${pending.length} pending migration${pending.length === 1 ? '' : 's'} (${pending.join(', ')}): back it up, then run \`${migrateHint}\``,
      { code: 'TML_PENDING_MIGRATIONS', names: pending },
    )
  }
}
