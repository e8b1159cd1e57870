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
  type BuildDecisionMtlParameters,
  type BuildResolutionMtlParameters,
  buildDecisionMtl,
  buildResolutionMtl,
  causalGraph,
  type MtlDraft,
} from './buildMtl.ts'
export type { CommitBatch, Committer, UnsignedEntry } from './Committer.ts'
export { type HashEvidenceParameters, hashEvidence, hashJson } from './hashEvidence.ts'
export { InlineCommitter } from './InlineCommitter.ts'
export type { AppendBatch, LogStore, StoredEntry, SubjectKey } from './LogStore.ts'
export { MemoryLogStore } from './MemoryLogStore.ts'
export { Pseudonymizer, type PseudonymizerParameters, type SubjectHandle } from './Pseudonymizer.ts'
export { SCHEMA_VERSION, SqliteLogStore, type SqliteLogStoreParameters } from './SqliteLogStore.ts'
export { StoreError } from './StoreError.ts'
export { uuidv7 } from './uuidv7.ts'
export { WorkerCommitter, type WorkerCommitterParameters } from './WorkerCommitter.ts'
