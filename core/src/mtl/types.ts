import type { Hex } from '../bytes/hex.ts'
import type {
  ACCESS_EVENTS,
  ARBITER_KINDS,
  CAUSAL_COMPARISONS,
  MTL_KINDS,
  MTL_STATES,
  MTL_VERSION,
  RESOLUTION_DECISIONS,
  TRIGGER_TYPES,
} from './constants.ts'

// The TypeScript view of `mtl/1`. The schema (mtlSchema.ts) is what is checked; these types
// mirror it, and the enum types come from the same constant lists as the schema's enums.

/** Ternary state: 1 proceed, 0 pause, -1 refuse. */
export type MtlState = (typeof MTL_STATES)[number]
/** `decision`, `resolution`, `erasure` or `access`. */
export type MtlKind = (typeof MTL_KINDS)[number]
/** What caused a state (AMBIGUITY, HARM, …). */
export type TriggerType = (typeof TRIGGER_TYPES)[number]
/** Who closed a pause. */
export type ArbiterKind = (typeof ARBITER_KINDS)[number]
/** How a pause ended: 1 approved, -1 denied. */
export type ResolutionDecision = (typeof RESOLUTION_DECISIONS)[number]

/** How a check compared its value with its threshold: it fired because `value <op> threshold`. */
export type CausalComparison = (typeof CAUSAL_COMPARISONS)[number]

/**
 * One step of the evidence that led to a state; `inputs` names earlier nodes by `id`. A numeric
 * check also says what it compared against: `threshold` (the policy's limit in force) with its
 * `comparison`, always both or neither. Records written before they were logged carry neither.
 */
export type CausalNode = {
  id: string
  kind: string
  inputs: string[]
  threshold?: number
  comparison?: CausalComparison
}

/** The AI model a decision is about. */
export type MtlModel = { id: string; version_hash: Hex }

/** Who ended a pause. */
export type MtlArbiter = { kind: ArbiterKind; id: string }

/** The `resolution` member of a resolution record. */
export type MtlResolutionDetail = {
  decision: ResolutionDecision
  arbiter: MtlArbiter
  rationale_hash: Hex
  /**
   * Leaf hash of the pause MTL, which a reviewer's (EIP-712) or a verification's signature
   * binds. Absent in records written before it was logged.
   */
  pause_leaf_hash?: Hex
  /** Unix seconds: the deadline a reviewer signed. Absent unless the arbiter is a reviewer. */
  deadline?: number
  /** The arbiter's signature; null only for the `timeout` and `budget` arbiters. */
  signature: Hex | null
}

/** Fields every MTL has. */
export type MtlBase = {
  v: typeof MTL_VERSION
  log_id: Hex
  seq: number
  trace_id: string
  timestamp: string
  trigger_type: TriggerType
  trigger_detail: string
  metrics: Record<string, number>
  policy_hash: Hex
  model: MtlModel
  input_hash: Hex
  output_hash: Hex | null
  subject: `psn:${string}`
  causal_graph: CausalNode[]
  /**
   * Pseudonym of the API caller that initiated the record (`clr:` + keyed hash of its name, never
   * the key or the name). Absent in records written before it was logged.
   */
  caller?: `clr:${string}`
  /**
   * SHA-256 of the record's sealed evidence envelope in the gateway's vault (`tml-vault/1`).
   * Absent when the vault is off.
   */
  evidence_seal?: Hex
}

/** A decision record: +1, 0 (a pause, which a resolution record closes later) or -1. */
export type MtlDecision = MtlBase & {
  kind: 'decision'
  state: MtlState
  /**
   * Who a pause escalates to (the policy's reviewer group or role): on pauses (state 0) whose
   * policy names one, absent otherwise.
   */
  escalation_target?: string
}

/** A resolution record: closes the pause whose `trace_id` is `refers_to`; `state` equals `resolution.decision`. */
export type MtlResolution = MtlBase & {
  kind: 'resolution'
  state: ResolutionDecision
  resolution: MtlResolutionDetail
  refers_to: string
}

/**
 * An erasure record: the subject's pseudonym key was destroyed (crypto-shredding). State 1,
 * trigger MANUAL, no output.
 */
export type MtlErasure = Omit<MtlBase, 'trigger_type' | 'output_hash'> & {
  kind: 'erasure'
  state: 1
  trigger_type: 'MANUAL'
  output_hash: null
}

/** An AccessRegistry event name, as an access record names it. */
export type AccessEvent = (typeof ACCESS_EVENTS)[number]

/**
 * The `access` member of an access record: the chain event it copies and where it is. Which of
 * the optional members are present depends on `event` (core's `ACCESS_EVENT_FIELDS`).
 */
export type MtlAccessDetail = {
  event: AccessEvent
  chain_id: number
  /** The AccessRegistry, lower case. */
  contract: `0x${string}`
  tx_hash: Hex
  block_number: number
  log_index: number
  grant_id?: number
  auditor?: `0x${string}`
  auditor_key?: Hex
  from_epoch?: number
  to_epoch?: number
  duration?: number
  custodian?: `0x${string}`
  approvals?: number
  approved_at?: number
  expires_at?: number
  epoch?: number
  share_index?: number
  wrapped_share_hash?: Hex
  custody_version?: number
  threshold?: number
  custodians?: `0x${string}`[]
  custodian_keys?: Hex[]
}

/**
 * An access record: an AccessRegistry event of the log (auditor access, EKR) copied into the log.
 * State 1, trigger MANUAL, no output, no data subject (`psn:` and zeros).
 */
export type MtlAccess = Omit<MtlBase, 'trigger_type' | 'output_hash'> & {
  kind: 'access'
  state: 1
  trigger_type: 'MANUAL'
  output_hash: null
  access: MtlAccessDetail
}

/** A Moral Trace Log record (`mtl/1`), discriminated by `kind`. */
export type Mtl = MtlDecision | MtlResolution | MtlErasure | MtlAccess
