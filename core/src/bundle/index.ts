export { BUNDLE_LIMITS } from './bundleLimits.ts'
export {
  BUNDLE_FIELDS,
  BUNDLE_REQUIRED_FIELDS,
  BUNDLE_VERSION,
  type BundleAnchor,
  type BundleLogKeys,
  type ProofBundle,
} from './ProofBundle.ts'
export type { AnchoredCheckpoint, ReadCheckpoint } from './ReadCheckpoint.ts'
export { type BundleParts, type ReadBundleReturnType, readBundle } from './readBundle.ts'
export type { StepOutcome, VerificationStep } from './VerificationStep.ts'
export { type ValidateBundleReturnType, validateBundle } from './validateBundle.ts'
export {
  type TrustedKeys,
  type VerifyBundleParameters,
  type VerifyBundleReturnType,
  verifyBundle,
} from './verifyBundle.ts'
