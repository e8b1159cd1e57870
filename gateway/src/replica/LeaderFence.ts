/**
 * The term a leading replica writes under, given to its PostgreSQL stores: every write
 * transaction carries `term` (`SET LOCAL tml.term`), and the database refuses it once another
 * replica has taken a newer term (see src/db/postgres/replicaSchema.ts). A store that sees such
 * a refusal calls `fenced`, so that the deposed leader stops at once (see `ReplicaNode`).
 *
 * @example
 * const fence: LeaderFence = { term: 3, fenced: (e) => deposed(e) }
 * const store = await PgLogStore.open({ pool, logId, fence })
 */
export type LeaderFence = {
  /** The term this process leads in (1, 2, …; the database's `leader.term` when it was won). */
  readonly term: number
  /** A write was refused because another replica leads now. Called for every refused write. */
  fenced(error: Error): void
}
