export {
  PauseAlreadyResolvedError,
  PauseNotFoundError,
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
  PauseManager,
  type PauseManagerParameters,
  type PauseResolution,
  type ResolvePauseParameters,
  TIMEOUT_RATIONALE_HASH,
  type VerificationHook,
  type VerificationInput,
  type VerificationVerdict,
} from './PauseManager.ts'
export { refuseForBudget } from './refuseForBudget.ts'
export { TokenBucket } from './TokenBucket.ts'
export {
  type ResolutionRejection,
  type VerifyResolutionParameters,
  verifyResolution,
} from './verifyResolution.ts'
