export { canonicalBytes } from './canonicalBytes.ts'
export { canonicalize } from './canonicalize.ts'
export { JcsError, type JcsErrorParameters } from './JcsError.ts'
