export { EventSearchError, type EventSearchFailure } from './EventSearchError.ts'
export { refusedRangeLimit } from './refusedRangeLimit.ts'
export { type RpcErrorKind, rpcErrorKind } from './rpcErrorKind.ts'
export {
  type BlockSpan,
  DEFAULT_MAX_BLOCKS,
  DEFAULT_MAX_CALLS,
  type SearchBlockRangesParameters,
  searchBlockRanges,
} from './searchBlockRanges.ts'
