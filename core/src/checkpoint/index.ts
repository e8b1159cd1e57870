export { assertCanonicalSignature } from './assertCanonicalSignature.ts'
export { assertCheckpoint } from './assertCheckpoint.ts'
export type { Checkpoint, CheckpointJson } from './Checkpoint.ts'
export { checkpointFromJson } from './checkpointFromJson.ts'
export { checkpointStructHash } from './checkpointStructHash.ts'
export { checkpointToJson } from './checkpointToJson.ts'
export { type CheckpointTypedData, checkpointTypedData } from './checkpointTypedData.ts'
export { CHECKPOINT_DOMAIN, CHECKPOINT_TYPE, CHECKPOINT_TYPES } from './checkpointTypes.ts'
export { hashCheckpoint } from './hashCheckpoint.ts'
export { InvalidCheckpointError } from './InvalidCheckpointError.ts'
export { InvalidCheckpointSignatureError } from './InvalidCheckpointSignatureError.ts'
export {
  type RecoverCheckpointSignerParameters,
  recoverCheckpointSigner,
} from './recoverCheckpointSigner.ts'
export { type SignCheckpointParameters, signCheckpoint } from './signCheckpoint.ts'
export {
  type ValidateCheckpointJsonReturnType,
  validateCheckpointJson,
} from './validateCheckpointJson.ts'
export {
  type VerifyCheckpointSignatureParameters,
  verifyCheckpointSignature,
} from './verifyCheckpointSignature.ts'
