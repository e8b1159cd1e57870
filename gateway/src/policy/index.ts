export { checkArchivedPolicy } from './checkArchivedPolicy.ts'
export { type LoadPoliciesParameters, loadPolicies } from './loadPolicies.ts'
export { MemoryPolicyArchive } from './MemoryPolicyArchive.ts'
export type { ArchivedPolicy, ArchivedPolicySummary, PolicyArchive } from './PolicyArchive.ts'
export { PolicyArchiveError } from './PolicyArchiveError.ts'
export { formatPolicyIssue, PolicyError, type PolicyIssue } from './PolicyError.ts'
export { MAX_POLICY_BYTES, type ParsePolicyParameters, parsePolicy } from './parsePolicy.ts'
export { policyArchiveRecords } from './policyArchiveRecords.ts'
export { SqlitePolicyArchive } from './SqlitePolicyArchive.ts'
export type {
  BucketConfig,
  Comparison,
  ComparisonOperator,
  Condition,
  LoadedPolicy,
  Policy,
  PolicyRule,
  RuleTrigger,
  VerificationHookConfig,
} from './types.ts'
export {
  type PolicyPathIssue,
  type ValidatePolicyReturnType,
  validatePolicy,
} from './validatePolicy.ts'
