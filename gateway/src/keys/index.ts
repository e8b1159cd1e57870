export {
  CHECKPOINT_KEYS_FILE,
  CheckpointKeyHistory,
  type CheckpointKeyHistoryParameters,
  type CheckpointKeyPeriod,
  type CheckpointSigners,
  type PeriodSigner,
  writeFileDurably,
} from './CheckpointKeyHistory.ts'
export {
  createReceiptSigner,
  type ReceiptSigner,
} from './createReceiptSigner.ts'
export { KeysError } from './KeysError.ts'
export {
  type ApiKey,
  type GatewayKeys,
  type LoadKeysParameters,
  loadKeys,
  parseApiKeys,
} from './loadKeys.ts'
export { nodeSha256 } from './nodeSha256.ts'
