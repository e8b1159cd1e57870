export { applyOtsOp } from './applyOtsOp.ts'
export { BitcoinHeaderError } from './BitcoinHeaderError.ts'
export { type BitcoinHeader, readBitcoinHeader } from './bitcoinHeader.ts'
export {
  type EsploraFetch,
  type EsploraHeaderSourceParameters,
  esploraHeaderSource,
} from './esploraHeaderSource.ts'
export { InvalidOtsError } from './InvalidOtsError.ts'
export type { OtsAttestation, OtsHashOp, OtsOp, OtsProof, OtsTimestamp } from './OtsProof.ts'
export { type AttestedMessage, otsAttestations } from './otsAttestations.ts'
export { OTS_LIMITS } from './otsLimits.ts'
export { parseOts } from './parseOts.ts'
export { type OtsSummary, readOts } from './readOts.ts'
export {
  type BitcoinAttestationCheck,
  type BitcoinHeaderSource,
  type VerifyOtsBitcoinParameters,
  type VerifyOtsBitcoinReturnType,
  verifyOtsBitcoin,
} from './verifyOtsBitcoin.ts'
