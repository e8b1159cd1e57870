import { BaseError } from '@tml/core'

/** Why a replay could not be carried out: the record, the policy or the proof did not check out. */
export type ReplayErrorCode =
  /** The trace has no proof bundle yet, or the shared verifier fails it (not anchored, bad proof). */
  | 'TML_REPLAY_NOT_ANCHORED'
  /** The opened record's evidence does not hash to the MTL's `input_hash`, or names another trace. */
  | 'TML_REPLAY_INPUT_HASH'
  /** The policy served under `policy_hash` does not hash to it, or is not a valid policy. */
  | 'TML_REPLAY_POLICY'
  /** The record cannot be replayed: a kind the engine does not decide, or nothing sealed with it. */
  | 'TML_REPLAY_RECORD'

/**
 * A forensic replay stopped before comparing anything, because an input failed its check; `code`
 * says which check, the message names the values. (A replay that ran and found differences is
 * not an error: it is a {@link ReplayResult} with `identical: false`.)
 *
 * @example
 * try { await replayTrace(p) } catch (e) { if (e instanceof ReplayError && e.code === 'TML_REPLAY_POLICY') … }
 */
export class ReplayError extends BaseError {
  override name = 'ReplayError' as const
  readonly code: ReplayErrorCode
  constructor(shortMessage: string, { code, cause }: { code: ReplayErrorCode; cause?: unknown }) {
    super(shortMessage, { details: `code ${code}`, cause })
    this.code = code
  }
}
