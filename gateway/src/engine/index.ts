export { type DecideParameters, decide } from './decide.ts'
export {
  conditionFields,
  type EvaluateConditionParameters,
  evaluateCondition,
} from './evaluateCondition.ts'
export { normalizedEntropy } from './normalizedEntropy.ts'
export { MISSING, readField } from './readField.ts'
export { sensorDivergence } from './sensorDivergence.ts'
export { type TokenEntropyParameters, tokenEntropy } from './tokenEntropy.ts'
export type {
  CausalStep,
  Decision,
  DecisionRequest,
  EngineEnvironment,
  SensorReading,
  SeriesSample,
  Signals,
  TernaryState,
  TriggerType,
} from './types.ts'
export {
  DISTRIBUTION_SUM_TOLERANCE,
  type SignalIssue,
  validateSignals,
} from './validateSignals.ts'
export { type WindowVolatilityParameters, windowVolatility } from './windowVolatility.ts'
