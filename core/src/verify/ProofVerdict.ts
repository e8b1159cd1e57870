import type { Address } from 'viem'
import type { VerificationStep } from '../bundle/VerificationStep.ts'
import type { Hex } from '../bytes/hex.ts'

/**
 * The verdict in one word: `valid` (every step passed, every chain of the bundle checked),
 * `valid-with-unchecked` (nothing failed, but some chain or the Bitcoin timestamp could not be
 * checked here: `unchecked` says which), `invalid` (a step failed).
 */
export type ProofStatus = 'valid' | 'valid-with-unchecked' | 'invalid'

/** Where the checkpoint was found anchored, read from the chain (not from the bundle's claim). */
export type AnchoredOn = {
  chainId: number
  /** The pinned CheckpointRegistry (or the bundle's, with `trustBundle`). */
  registry: Address
  /** The `anchor` transaction that emitted `CheckpointAnchored` for this checkpoint, when found. */
  txHash: Hex | undefined
  blockNumber: bigint | undefined
  /** Block time, unix seconds. */
  blockTime: bigint | undefined
  /** Why the transaction, block or time is missing, or how they differ from the bundle's claim. */
  note: string | undefined
}

/** A chain of the bundle's anchors that this verifier did not check, and why. */
export type UncheckedChain = { chainId: number; reason: string }

/** Life cycle of the log on one chain (CheckpointRegistry `logStatus`). */
export type LogStatusName = 'unknown' | 'active' | 'retired' | 'compromised'

/** The on-chain proof that a log contradicted itself (`EquivocationReported`). */
export type CompromiseProof = {
  chainId: number
  /** The report's transaction, when the event could be read. */
  txHash: Hex | undefined
  blockNumber: bigint | undefined
  /** `EquivocationKind` name: SameEpoch, TreeShrank, …, BrokenPromise. */
  kind: string | undefined
  /** Why the transaction is unknown, when it is. */
  note: string | undefined
}

export type LogStatusView = {
  /** The worst status over the checked chains: compromised, then retired, active, unknown. */
  status: LogStatusName
  byChain: { chainId: number; status: LogStatusName }[]
  /** Present when the log is compromised on some chain. */
  compromise: CompromiseProof[]
}

/** Why a Lantern is dark, by `LanternReason` (ILanternRegistry). */
export type LanternReasonName =
  | 'None'
  | 'NeverCertified'
  | 'Expired'
  | 'Revoked'
  | 'LogStale'
  | 'LogEquivocated'

/** The operator's Lantern on one chain, and whether it covers the decision's policy. */
export type LanternView = {
  chainId: number
  lanternRegistry: Address
  operator: Address
  /** The log's name as declared. */
  logName: string
  lit: boolean
  reason: LanternReasonName
  /** The reason in words ("certification expired"). */
  reasonText: string
  /** The log at fault for LogStale and LogEquivocated. */
  faultyLog: Hex | undefined
  /** The MTL's `policy_hash`, when it has one. */
  policyHash: Hex | undefined
  /** `isCertifiedPolicy(operator, policyHash)`; undefined when the MTL has no policy hash. */
  policyCertified: boolean | undefined
}

/** The log's keys for the checkpoint's epoch, as every checked chain holds them. */
export type ChainKeys = {
  checkpointSigner: Address
  /** keccak256(x ‖ y) of the P-256 receipt key. */
  receiptKeyCommitment: Hex
  /** The key period's index. */
  keyPeriod: bigint
  /** The chains that hold exactly these keys. */
  chainIds: number[]
}

/**
 * What `verifyProof` concludes about one proof bundle, and on what it rests.
 *
 * @example
 * const verdict = await verifyProof({ bundle, chains })
 * if (verdict.status === 'invalid') console.log(verdict.steps.filter((s) => !s.ok))
 */
export type ProofVerdict = {
  /** False when any step failed; true for `valid` and `valid-with-unchecked`. */
  valid: boolean
  status: ProofStatus
  /** Every step in a fixed order (`onStep` reports them as they complete). */
  steps: VerificationStep[]
  /**
   * `pinned`: the registries are the verifier's configuration. `bundle`: `trustBundle` was set
   * and the bundle's registry addresses were used: this shows the bundle is consistent and
   * anchored where it says, not that those are the operator's registries.
   */
  trust: 'pinned' | 'bundle'
  /** The chains read (the configured chains whose client answered as configured). */
  checkedChains: number[]
  /** Chains of the bundle's anchors without a configured client (or whose client failed). */
  unchecked: UncheckedChain[]
  /** One sentence stating what was and was not checked. */
  summary: string
  anchoredOn: AnchoredOn[]
  /** Undefined when no chain could be read or the checkpoint is malformed. */
  keys: ChainKeys | undefined
  log: LogStatusView | undefined
  /** One entry per checked chain whose LanternRegistry knows the log. */
  lanterns: LanternView[]
}
