import { BaseError } from '@tml/core'

/**
 * A version handed to the policy archive is not what it claims: its document does not hash to
 * its `hash`, or its kind and profile disagree. Nothing of the call was kept.
 *
 * @example
 * try { await archive.keep(records) } catch (e) { if (e instanceof PolicyArchiveError) console.error(e.hash) }
 */
export class PolicyArchiveError extends BaseError {
  override name = 'PolicyArchiveError' as const
  readonly hash: string
  constructor(shortMessage: string, { hash }: { hash: string }) {
    super(shortMessage)
    this.hash = hash
  }
}
