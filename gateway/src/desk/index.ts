export { type CaseView, caseView } from './caseView.ts'
export { DeskCases } from './DeskCases.ts'
export type { PauseEvidence } from './PauseEvidence.ts'
export { UsedNonces } from './UsedNonces.ts'
export {
  CASE_REQUEST_SKEW_S,
  type CaseRequestBody,
  type CaseRequestRejection,
  verifyCaseRequest,
} from './verifyCaseRequest.ts'
