export { accessRecordProblems } from './accessRecordProblems.ts'
export { ACCESS_EVENT_FIELDS, ACCESS_SUBJECT, accessDetailSchema } from './accessSchema.ts'
export { type AccessEventCoordinates, accessTraceId } from './accessTraceId.ts'
export { assertMtl } from './assertMtl.ts'
export {
  ACCESS_EVENTS,
  ARBITER_KINDS,
  CAUSAL_COMPARISONS,
  MTL_KINDS,
  MTL_LIMITS,
  MTL_STATES,
  MTL_VERSION,
  RESOLUTION_DECISIONS,
  TRIGGER_TYPES,
  UNSIGNED_ARBITER_KINDS,
} from './constants.ts'
export { hashMtl } from './hashMtl.ts'
export { InvalidMtlError } from './InvalidMtlError.ts'
export type { JsonSchema, JsonSchemaType } from './JsonSchema.ts'
export { mtlSchema } from './mtlSchema.ts'
export {
  ADDRESS_PATTERN,
  CALLER_PATTERN,
  HEX_BYTES_PATTERN,
  HEX32_PATTERN,
  IDENTIFIER_PATTERN,
  PATTERN_LABELS,
  SUBJECT_PATTERN,
  TIMESTAMP_PATTERN,
  TOKEN_PATTERN,
  UNICODE_TEXT_PATTERN,
  UUID_PATTERN,
} from './patterns.ts'
export type {
  AccessEvent,
  ArbiterKind,
  CausalComparison,
  CausalNode,
  Mtl,
  MtlAccess,
  MtlAccessDetail,
  MtlArbiter,
  MtlBase,
  MtlDecision,
  MtlErasure,
  MtlKind,
  MtlModel,
  MtlResolution,
  MtlResolutionDetail,
  MtlState,
  ResolutionDecision,
  TriggerType,
} from './types.ts'
export { type MtlIssue, type ValidateMtlReturnType, validateMtl } from './validateMtl.ts'
