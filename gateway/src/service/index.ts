export { type CreateGatewayParameters, createGateway, type Gateway } from './createGateway.ts'
export {
  type DecisionAnswer,
  type DecisionInput,
  DecisionService,
  type DecisionServiceParameters,
  type ErasureAnswer,
  InvalidEvidenceError,
} from './DecisionService.ts'
export { ModelHashRequiredError } from './ModelHashRequiredError.ts'
