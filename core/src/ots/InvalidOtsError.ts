import { BaseError } from '../errors/BaseError.ts'

/**
 * Thrown when bytes are not a well-formed detached OpenTimestamps proof (`.ots`), or when a
 * commitment operation in it cannot be applied. The message says what is wrong, never repeats
 * the untrusted bytes.
 *
 * @example
 * try { parseOts(bytes) } catch (e) { if (e instanceof InvalidOtsError) console.log(e.shortMessage) }
 */
export class InvalidOtsError extends BaseError {
  override name = 'InvalidOtsError' as const
  constructor(reason: string) {
    super(`Invalid OpenTimestamps proof: ${reason}.`)
  }
}
