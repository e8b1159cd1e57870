export {
  CASE_REQUEST_MAX_WINDOW_S,
  CASE_REQUEST_TYPES,
  type CaseRequestMessage,
  caseRequestTypedData,
} from './caseRequestTypedData.ts'
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
