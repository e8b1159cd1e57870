export {
  type CreateReceiptSignerOptions,
  createReceiptSigner,
  type Ed25519Backend,
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
