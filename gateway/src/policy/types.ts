/**
 * Operators of a rule's comparison. Any comparison with a missing field is false (use `exists`),
 * except the negative ones (`ne`, `not_in`, `not_within`). `starts_with` is a string prefix;
 * `within` / `not_within` take a list of absolute POSIX paths and compare a path field after
 * resolving its `.` and `..` segments, at `/` boundaries (tool-call arguments, see the README's
 * "MCP proxy").
 */
export type ComparisonOperator =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'not_in'
  | 'exists'
  | 'contains'
  | 'starts_with'
  | 'within'
  | 'not_within'

/** A leaf of a rule: `{ field: context.x, gt: 3 }` in YAML. */
export type Comparison = { field: string; op: ComparisonOperator; value: unknown }

/** A declarative condition over the request's `input`, `context` and `signals`. */
export type Condition =
  | { all: readonly Condition[] }
  | { any: readonly Condition[] }
  | { not: Condition }
  | Comparison

/** Trigger categories a policy rule may raise. */
export type RuleTrigger = 'MANDATE' | 'CONTEXTUAL' | 'AMBIGUITY' | 'HARM'

/**
 * A domain rule (spec §4.4) or mandate (human rights, earth protection): when `when` holds, the
 * decision is at most `outcome`.
 */
export type PolicyRule = {
  id: string
  trigger: RuleTrigger
  mandate?: 'human_rights' | 'earth_protection'
  outcome: 0 | -1
  /** Shown in `trigger_detail`: policy text, so it never carries personal data. */
  reason: string
  when: Condition
}

/** Token bucket settings: `capacity` pauses at once, refilled at `refillPerSecond`. */
export type BucketConfig = { capacity: number; refillPerSecond: number }

/**
 * A verification hook reached over HTTP: the gateway POSTs each pause's evidence to `url` and
 * takes a `{ decision: 1 | -1, rationale }` answer within `timeoutMs` as the pause's resolution.
 */
export type VerificationHookConfig = {
  /** An absolute http or https URL, without credentials or fragment. */
  url: string
  /** How long an answer may take; after it, the pause waits for a reviewer. */
  timeoutMs: number
  /** The arbiter id of its resolutions: the URL without its query (`http://host:port/path`). */
  verifier: string
}

/** One validated policy profile, defaults applied. Field names mirror the YAML's snake_case. */
export type Policy = {
  v: 'tml-policy/1'
  profile: string
  description: string
  /** Timing profile (spec §7): real-time answers after the local durable write. */
  timing: 'real_time' | 'deliberative'
  ambiguity: {
    /** Normalized entropy above this pauses (spec §4.1: IF H > T THEN 0). */
    entropyMax?: number
    /** Confidence below this pauses (spec §3.1: proceed needs Confidence > Threshold). */
    confidenceMin?: number
    /** How per-token entropies of `token_logprobs` combine. */
    tokenAggregate: 'mean' | 'max'
    /** When true, a request without any uncertainty signal pauses. */
    required: boolean
  }
  harm?: {
    /** Harm at or above this (up to `critical`) pauses (spec §4.2). */
    ambiguous: number
    /** Harm above this refuses (spec §4.2). */
    critical: number
    /** When true, a request without a harm score pauses. */
    required: boolean
  }
  contextual: {
    /** Largest allowed Euclidean distance between two sensors' vectors (spec §4.3). */
    sensorTolerance?: number
    /** IoU below this is a sensor conflict (spec §4.3: 0.5). */
    sensorIouMin?: number
    /** Volatility above this pauses (spec §4.3: 5%). */
    volatilityMax?: number
    /** Window of the volatility computed from `series`, in milliseconds (spec §4.3: 10 min). */
    volatilityWindowMs: number
  }
  rules: readonly PolicyRule[]
  pause: {
    /** A pause not resolved within this resolves to -1 (spec §6.2). */
    timeoutMs: number
    /** Pause budget per caller (spec §12.1). */
    perCaller: BucketConfig
    /** Pause budget of the whole profile, over all callers. */
    overall: BucketConfig
    /** Name of a configured verification hook tried before waiting for a reviewer. */
    verificationHook?: string
    /**
     * Who a pause escalates to, a role or group id (YAML `escalation_target`, e.g.
     * `clinical-review-board`): recorded as `escalation_target` in the MTL of every pause.
     */
    escalationTarget?: string
  }
  /** Automatic verification tried on every pause before it waits for a reviewer (spec §5). */
  verification?: {
    hook: VerificationHookConfig
  }
  /** Lower-case addresses of the reviewers allowed to resolve this profile's pauses. */
  reviewers: readonly `0x${string}`[]
  /** Paths (`input.patient.name`) of fields pseudonymized before anything is hashed. */
  piiFields: readonly string[]
  /**
   * YAML `require_model_hash`: a request that does not name its model (`model.version_hash`) is
   * refused with 400 before anything is decided, so that every MTL of the profile pins the exact
   * model version. Absent means false (the gateway then records an `unspecified` model).
   */
  requireModelHash?: boolean
  /** How the inline OpenAI-compatible proxy treats this profile (YAML `proxy`). */
  proxy?: ProxyPolicy
}

/**
 * The `proxy` section of a policy: what the OpenAI-compatible proxy does for this profile.
 * See gateway/README.md, "OpenAI-compatible proxy".
 */
export type ProxyPolicy = {
  /** Ask the upstream for token log-probabilities and feed them to the ambiguity trigger. */
  logprobs: boolean
  /** Alternatives per token requested when the caller did not ask (1..20). */
  topLogprobs: number
  /** A safety monitor in the format of OpenAI's moderation endpoint, called beside the model. */
  monitor?: { url: string; timeoutMs: number }
  /** Streamed tokens released before the output-side decision (0 holds everything). */
  streamReleaseTokens: number
  /** How long an answer that paused is held for its resolution when the caller says nothing. */
  waitMs: number
  /** How long the upstream may take before the call is refused. */
  upstreamTimeoutMs: number
  /** Real-time profiles: the answer returned at once on a pause, reviewed after the fact. */
  safeState?: { content: string }
  /** Declared energy of one token of this model, in joules: the MTL records the estimate. */
  energyPerTokenJ?: number
}

/** A loaded policy: the validated profile, where it came from, and the hash that goes in MTLs. */
export type LoadedPolicy = {
  policy: Policy
  /** `0x` + SHA-256 of the RFC 8785 form of the YAML document as written (before defaults). */
  hash: `0x${string}`
  file: string
  /**
   * The YAML document as parsed (JSON), whose RFC 8785 form `hash` is: proof bundles of
   * resolutions carry it, so that a verifier reads the reviewers the policy lists.
   */
  document?: Record<string, unknown>
  /** The YAML text as written (comments kept), which the policy archive keeps beside `document`. */
  source?: string
}
