/**
 * The ids of `verifyProof`'s steps in verdict order; `anchor:` stands for the `anchor:<chainId>`
 * steps (ascending chain id), and `resolution` is present for resolution MTLs only. A page that
 * shows steps as they complete places them with it.
 *
 * @example VERIFY_STEP_ORDER.indexOf(step.id.startsWith('anchor:') ? 'anchor:' : step.id)
 */
export const VERIFY_STEP_ORDER = [
  'bundle',
  'mtl',
  'leafHash',
  'inclusion',
  'chains',
  'keys',
  'checkpointSignature',
  'receiptSignature',
  'anchor:',
  'agreement',
  'anchored',
  'logStatus',
  'lantern',
  'policy',
  'resolution',
  'ots',
] as const
