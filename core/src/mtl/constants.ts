/**
 * The format version every MTL carries in `v`. A changed field means `mtl/2`; a new optional
 * field that leaves every earlier record's bytes, hash and meaning as they were may be added to
 * `mtl/1` (docs/formats.md lists them).
 */
export const MTL_VERSION = 'mtl/1' as const

/**
 * `kind` values: a decision, the resolution that closes a pause (state 0) decision, the erasure
 * of a subject (crypto-shredding of its pseudonym key, logged without personal data), or an
 * auditor access event of the log's AccessRegistry (a copy of the chain event, see accessSchema.ts).
 */
export const MTL_KINDS = ['decision', 'resolution', 'erasure', 'access'] as const

/**
 * The AccessRegistry events an `access` record copies: the names the contract emits them by
 * (contracts/interfaces/IAccessRegistry.sol).
 */
export const ACCESS_EVENTS = [
  'CustodiansDeclared',
  'AccessRequested',
  'AccessApproved',
  'AccessGranted',
  'ShareReleased',
] as const

/** Ternary states of the Sacred Pause Protocol: +1 proceed, 0 pause, -1 refuse. */
export const MTL_STATES = [1, 0, -1] as const

/** What a resolution decides: a pause ends in +1 or -1, never in another pause. */
export const RESOLUTION_DECISIONS = [1, -1] as const

/** Trigger categories of the Sacred Pause Protocol (spec §4) plus the gateway's own causes. */
export const TRIGGER_TYPES = [
  'AMBIGUITY',
  'HARM',
  'CONTEXTUAL',
  'MANDATE',
  'MANUAL',
  'BUDGET',
  'LEDGER',
  'NONE',
] as const

/**
 * How a trigger node of the causal graph compared its measured value with its `threshold`: the
 * check fired because `value <comparison> threshold` held (`gt` is >, `gte` ≥, `lt` <, `lte` ≤).
 */
export const CAUSAL_COMPARISONS = ['gt', 'gte', 'lt', 'lte'] as const

/** Who closed a pause: a human reviewer, an automatic verification, the timeout or the pause budget. */
export const ARBITER_KINDS = ['reviewer', 'verification', 'timeout', 'budget'] as const

/**
 * Arbiter kinds that are the gateway itself rather than a party with a key: their resolution may
 * carry `signature: null`, and they can only refuse (a pause never times out into +1).
 */
export const UNSIGNED_ARBITER_KINDS = ['timeout', 'budget'] as const

/**
 * Bounds of `mtl/1`, so that one record can never be made arbitrarily large: a log entry is
 * stored, hashed, served and verified in browsers, forever.
 */
export const MTL_LIMITS = {
  /** Longest `trigger_detail`, in Unicode code points. */
  triggerDetailLength: 1024,
  /** Most entries in `metrics`. */
  metrics: 32,
  /** Most nodes in `causal_graph`. */
  causalNodes: 64,
  /** Most `inputs` of one causal node. */
  causalInputs: 16,
  /** Longest arbiter signature, in bytes (ERC-1271 contract signatures can exceed 65). */
  signatureBytes: 1024,
  /** Most custodians of one log (the AccessRegistry's MAX_CUSTODIANS). */
  custodians: 32,
} as const
