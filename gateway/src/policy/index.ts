export { type LoadPoliciesParameters, loadPolicies } from './loadPolicies.ts'
export { formatPolicyIssue, PolicyError, type PolicyIssue } from './PolicyError.ts'
export { MAX_POLICY_BYTES, type ParsePolicyParameters, parsePolicy } from './parsePolicy.ts'
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
