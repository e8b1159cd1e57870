export {
  PauseAlreadyResolvedError,
  PauseNotFoundError,
  ResolutionExpiredError,
  VerificationHookError,
} from './errors.ts'
export { httpVerificationHook, VERIFICATION_REQUEST_VERSION } from './httpVerificationHook.ts'
export {
  Lantern,
  type LanternEvent,
  type LanternPauseEvent,
  type LanternResolutionEvent,
} from './Lantern.ts'
export { type BudgetVerdict, PauseBudget, type TakePauseParameters } from './PauseBudget.ts'
export {
  type OpenPause,
  type OpenPauseParameters,
  PauseManager,
  type PauseManagerParameters,
  type ResolvePauseParameters,
  TIMEOUT_RATIONALE_HASH,
} from './PauseManager.ts'
export type { PauseResolution } from './PauseResolution.ts'
export { refuseForBudget } from './refuseForBudget.ts'
export { TokenBucket } from './TokenBucket.ts'
export type {
  VerificationHook,
  VerificationInput,
  VerificationVerdict,
} from './VerificationHook.ts'
export {
  type ResolutionRejection,
  type VerifyResolutionParameters,
  verifyResolution,
} from './verifyResolution.ts'
