/**
 * One check of {@link verifyBundle}, as a verifier page or CLI shows it: a stable `id`
 * (`bundle`, `mtl`, `leafHash`, `inclusion`, `checkpointSignature`, `receiptSignature`,
 * `anchor:<chainId>`, `anchored`), a title for people, and on failure a reason that says what was
 * expected and what was found.
 *
 * @example
 * { id: 'anchor:137', title: 'Checkpoint is anchored on chain 137', ok: false,
 *   reason: 'epoch 4 not anchored on chain 137' }
 */
export type VerificationStep = {
  id: string
  title: string
  ok: boolean
  /** Present when `ok` is false. */
  reason?: string
}
