export {
  type BuildConsistencyProofParameters,
  buildConsistencyProof,
} from './buildConsistencyProof.ts'
export { type BuildInclusionProofParameters, buildInclusionProof } from './buildInclusionProof.ts'
export {
  CompactTree,
  type CompactTreeParameters,
  type CompactTreeState,
  type NodeSink,
} from './CompactTree.ts'
export { type CheckConsistencyParameters, checkConsistency } from './checkConsistency.ts'
export { type CheckInclusionParameters, checkInclusion } from './checkInclusion.ts'
export {
  type ConsistencyProofNodesParameters,
  consistencyProofNodes,
} from './consistencyProofNodes.ts'
export { emptyRoot } from './emptyRoot.ts'
export {
  InvalidInclusionProofError,
  InvalidNodeHashError,
  MissingNodeError,
  NodeConflictError,
  NodeCountMismatchError,
  TreeRangeError,
} from './errors.ts'
export { hashChildren } from './hashChildren.ts'
export { hashLeaf } from './hashLeaf.ts'
export { type InclusionProofNodesParameters, inclusionProofNodes } from './inclusionProofNodes.ts'
export { MemoryNodeStore } from './MemoryNodeStore.ts'
export type { NodeId } from './NodeId.ts'
export type { NodeStore } from './NodeStore.ts'
export type { ProofCheckResult } from './ProofCheckResult.ts'
export type { ProofNodes } from './ProofNodes.ts'
export { type ProofFromNodeHashesParameters, proofFromNodeHashes } from './proofFromNodeHashes.ts'
export {
  type RootFromInclusionProofParameters,
  rootFromInclusionProof,
} from './rootFromInclusionProof.ts'
export { type RootFromLeafHashesParameters, rootFromLeafHashes } from './rootFromLeafHashes.ts'
export { type VerifyConsistencyParameters, verifyConsistency } from './verifyConsistency.ts'
export { type VerifyInclusionParameters, verifyInclusion } from './verifyInclusion.ts'
