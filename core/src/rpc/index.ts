export { type RpcErrorKind, rpcErrorKind } from './rpcErrorKind.ts'
