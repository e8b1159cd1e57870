export { type PolicyReviewersReturnType, policyReviewers } from './policyReviewers.ts'
export {
  type ResolutionMessageOfReturnType,
  resolutionMessageOf,
} from './resolutionMessageOf.ts'
export {
  RESOLUTION_DOMAIN,
  RESOLUTION_TYPES,
  type ResolutionMessage,
  resolutionTypedData,
} from './resolutionTypedData.ts'
export {
  type ResolutionMtlRejection,
  type VerifyResolutionMtlParameters,
  verifyResolutionMtl,
} from './verifyResolutionMtl.ts'
export {
  type ResolutionRejection,
  type VerifyResolutionSignatureParameters,
  verifyResolutionSignature,
} from './verifyResolutionSignature.ts'
