export {
  FORK_EVIDENCE_VERSION,
  type ForkEvidence,
  type ForkEvidenceCheckpoint,
  type ForkEvidenceInclusion,
  type ForkEvidenceKind,
  type ForkEvidenceLeaf,
} from './ForkEvidence.ts'
export { InvalidVerifierConfigError } from './InvalidVerifierConfigError.ts'
export type {
  AnchoredOn,
  ChainKeys,
  CompromiseProof,
  LanternReasonName,
  LanternView,
  LogStatusName,
  LogStatusView,
  ProofStatus,
  ProofVerdict,
  UncheckedChain,
} from './ProofVerdict.ts'
export { PLAIN_REASONS } from './plainReasons.ts'
export { VERIFY_STEP_ORDER } from './stepOrder.ts'
export { LANTERN_REASON_TEXT } from './steps/lanternSteps.ts'
export type { VerifierChain, VerifierClient } from './VerifierChain.ts'
export { type ForkEvidenceVerdict, verifyForkEvidence } from './verifyForkEvidence.ts'
export {
  type HookResolutionRefusal,
  hookStatementBytes,
  type VerificationStatement,
  type VerifyHookResolutionParameters,
  verificationStatementBytes,
  verifyHookResolution,
} from './verifyHookResolution.ts'
export { type VerifyProofParameters, verifyProof } from './verifyProof.ts'
