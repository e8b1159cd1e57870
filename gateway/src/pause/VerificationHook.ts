import type { Hex, MtlDecision } from '@tml/core'

/** What a verification hook sees: the evidence of the pause, never raw request data. */
export type VerificationInput = Pick<
  MtlDecision,
  'trace_id' | 'trigger_type' | 'trigger_detail' | 'metrics' | 'input_hash'
> & {
  /** The pause's id (the `trace_id` of its MTL, named as the resolution API names it). */
  pause_id: string
  /** Leaf hash of the pause MTL: the exact evidence a resolution is bound to. */
  leaf_hash: Hex
  profile: string
  /** When the pause times out into -1 (ISO 8601). */
  deadline: string
}

/** A hook's resolution of a pause; only SHA-256 of the rationale goes into the log. */
export type VerificationVerdict = { decision: 1 | -1; rationale: string }

/**
 * An automatic check that may resolve a pause before a reviewer does (spec §5 phase 3,
 * self-correction): return a decision, or undefined to leave the pause to a reviewer; a
 * rejection also leaves it, and is reported as a warning. `signal` aborts when the gateway
 * closes. Configured in code by name (`pause.verification_hook`) or, over HTTP, by URL in the
 * policy (`verification.hook`, see `httpVerificationHook`).
 */
export type VerificationHook = (
  pause: VerificationInput,
  options?: { signal: AbortSignal },
) => Promise<VerificationVerdict | undefined>
