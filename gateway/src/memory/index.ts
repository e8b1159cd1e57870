export {
  AlwaysMemory,
  type AlwaysMemoryParameters,
  type AppendRequest,
  type AppendResult,
} from './AlwaysMemory.ts'
export {
  type BuildErasureMtlParameters,
  buildErasureMtl,
  type ErasureMtlDraft,
  GATEWAY_MODEL,
} from './buildErasureMtl.ts'
export {
  type BuildDecisionDraftParameters,
  type BuildDecisionMtlParameters,
  type BuildResolutionMtlParameters,
  buildDecisionDraft,
  buildDecisionMtl,
  buildResolutionMtl,
  causalGraph,
  type DecisionDraft,
  type MtlDraft,
} from './buildMtl.ts'
export type {
  CommitBatch,
  Committer,
  PlacedRecord,
  RecordEvidence,
  SealedRecord,
} from './Committer.ts'
export { callerIdOf } from './callerIdOf.ts'
export { type HashEvidenceParameters, hashEvidence, hashJson } from './hashEvidence.ts'
export { InlineCommitter } from './InlineCommitter.ts'
export type { AppendBatch, LogStore, StoredEntry, SubjectKey } from './LogStore.ts'
export { MemoryLogStore } from './MemoryLogStore.ts'
export { Pseudonymizer, type PseudonymizerParameters, type SubjectHandle } from './Pseudonymizer.ts'
export { ANONYMOUS_SUBJECT, pseudonymOf } from './pseudonymOf.ts'
export {
  type SqliteFault,
  SqliteLogStore,
  type SqliteLogStoreParameters,
} from './SqliteLogStore.ts'
export { StoreError } from './StoreError.ts'
export { type SealBatchParameters, type SealBatchReturnType, sealBatch } from './sealBatch.ts'
export { type SealRecordParameters, type SealRecordReturnType, sealRecord } from './sealRecord.ts'
export { uuidv7 } from './uuidv7.ts'
export { WorkerCommitter, type WorkerCommitterParameters } from './WorkerCommitter.ts'
