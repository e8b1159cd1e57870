/**
 * How a step ended, for a verifier that shows more than pass or fail:
 * - `pass`: checked and holds;
 * - `fail`: checked and does not hold (the verdict is invalid);
 * - `unchecked`: could not be checked here (no RPC for that chain, no Bitcoin header source):
 *   it does not make the verdict invalid, but it must never be shown as checked;
 * - `notice`: checked, holds as far as validity goes, but says something a reader should see
 *   (the operator's Lantern is dark, the decision's policy is not certified).
 */
export type StepOutcome = 'pass' | 'fail' | 'unchecked' | 'notice'

/**
 * One check of {@link verifyBundle} or `verifyProof`, as a verifier page or CLI shows it: a
 * stable `id` (`bundle`, `mtl`, `leafHash`, `inclusion`, `checkpointSignature`,
 * `receiptSignature`, `anchor:<chainId>`, `anchored`, and for `verifyProof` also `chains`, `keys`,
 * `agreement`, `logStatus`, `lantern`, `policy`, `resolution`, `ots`), a title for people, and on
 * failure a reason.
 *
 * `verifyBundle` puts the technical reason in `reason`. `verifyProof` puts a plain-language
 * reason in `reason` (for someone who is not a developer) and the technical one in `detail`, and
 * sets `outcome`. `ok` is false only for a failed step (`outcome` `fail`).
 *
 * @example
 * { id: 'anchor:137', title: 'Checkpoint is anchored on chain 137', ok: false,
 *   reason: 'epoch 4 not anchored on chain 137' }
 */
export type VerificationStep = {
  id: string
  title: string
  ok: boolean
  /** Present when `ok` is false; with `verifyProof`, also for `unchecked` and `notice`. */
  reason?: string
  /** The technical detail beneath `reason` (expected and found values, the call that failed). */
  detail?: string
  /** How the step ended; absent from `verifyBundle`'s steps, where it is `ok ? 'pass' : 'fail'`. */
  outcome?: StepOutcome
}
