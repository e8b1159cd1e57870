import { IDENTIFIER_PATTERN, TOKEN_PATTERN } from '@tml/core'
import { normalizePosixPath } from '../engine/pathWithin.ts'
import type {
  BucketConfig,
  Comparison,
  ComparisonOperator,
  Condition,
  Policy,
  PolicyRule,
  RuleTrigger,
  VerificationHookConfig,
} from './types.ts'
import { validateProxySection } from './validateProxySection.ts'

/** A problem at a path of the document; `atKey` points at the member's name rather than its value. */
export type PolicyPathIssue = { path: (string | number)[]; reason: string; atKey?: boolean }

/** The result of {@link validatePolicy}: a policy, or every issue found. */
export type ValidatePolicyReturnType =
  | { valid: true; policy: Policy }
  | { valid: false; issues: PolicyPathIssue[] }

const OPERATORS: readonly ComparisonOperator[] = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'not_in',
  'exists',
  'contains',
  'starts_with',
  'within',
  'not_within',
]
const RULE_TRIGGERS: readonly RuleTrigger[] = ['MANDATE', 'CONTEXTUAL', 'AMBIGUITY', 'HARM']
/** Profile names are core's lower-case tokens, as the API's `profile` field requires: one rule. */
const PROFILE_RE = new RegExp(TOKEN_PATTERN, 'u')
/** An escalation target goes into MTLs as is: core's identifier pattern, one rule. */
const ESCALATION_TARGET_RE = new RegExp(IDENTIFIER_PATTERN, 'u')
const RULE_ID_RE = /^[a-z][a-z0-9_.-]{0,99}$/
const FIELD_RE = /^(?=.{1,100}$)(input|output|context|signals)(\.[A-Za-z0-9_-]{1,64}){0,16}$/
const PII_FIELD_RE = /^(?=.{1,100}$)(input|output|context)(\.[A-Za-z0-9_-]{1,64}){1,16}$/
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/
const MAX_CONDITION_DEPTH = 8
/** The MTL schema's arbiter id (`core/schema/mtl-1.schema.json`): a hook's id must fit it. */
const ARBITER_ID_RE = new RegExp(IDENTIFIER_PATTERN, 'u')
const MAX_URL_LENGTH = 2048
/** Time a verification hook has to answer when its policy does not say. */
const DEFAULT_HOOK_TIMEOUT_MS = 2000

/**
 * Checks a parsed policy document (`tml-policy/1`, see gateway/README.md) and returns the
 * validated {@link Policy} with defaults applied, or every issue with its path. Unknown members
 * are errors, not ignored: a misspelt threshold silently falling back to a default is exactly the
 * kind of mistake a policy check must catch.
 *
 * @example
 * validatePolicy({ v: 'tml-policy/1', profile: 'general', pause: { timeout_ms: 60000 } }).valid // true
 */
export function validatePolicy(doc: unknown): ValidatePolicyReturnType {
  const issues: PolicyPathIssue[] = []
  const c = new Checker(issues)
  const root = c.object(
    doc,
    [],
    [
      'v',
      'profile',
      'description',
      'timing',
      'ambiguity',
      'harm',
      'contextual',
      'rules',
      'pause',
      'verification',
      'reviewers',
      'pii_fields',
      'proxy',
      'require_model_hash',
    ],
  )
  if (!root) return { valid: false, issues }

  if (root.v !== 'tml-policy/1') c.issue(['v'], `must be "tml-policy/1", got ${show(root.v)}`)
  const profile = c.string(root.profile, ['profile'], {
    required: true,
    pattern: PROFILE_RE,
    what: 'a lower-case token',
  })
  const description = c.string(root.description, ['description'], { maxLength: 2000 }) ?? ''
  const timing =
    c.oneOf(root.timing, ['timing'], ['real_time', 'deliberative'] as const) ?? 'deliberative'

  const amb =
    c.object(
      root.ambiguity,
      ['ambiguity'],
      ['entropy_max', 'confidence_min', 'token_aggregate', 'required'],
      false,
    ) ?? {}
  const ambiguity: Policy['ambiguity'] = {
    tokenAggregate:
      c.oneOf(amb.token_aggregate, ['ambiguity', 'token_aggregate'], ['mean', 'max'] as const) ??
      'mean',
    required: c.boolean(amb.required, ['ambiguity', 'required']) ?? true,
  }
  const entropyMax = c.fraction(amb.entropy_max, ['ambiguity', 'entropy_max'])
  if (entropyMax !== undefined) ambiguity.entropyMax = entropyMax
  const confidenceMin = c.fraction(amb.confidence_min, ['ambiguity', 'confidence_min'])
  if (confidenceMin !== undefined) ambiguity.confidenceMin = confidenceMin

  let harm: Policy['harm']
  if (root.harm !== undefined) {
    const h = c.object(root.harm, ['harm'], ['ambiguous', 'critical', 'required'])
    if (h) {
      const ambiguous = c.fraction(h.ambiguous, ['harm', 'ambiguous'], true)
      const critical = c.fraction(h.critical, ['harm', 'critical'], true)
      if (ambiguous !== undefined && critical !== undefined) {
        if (ambiguous > critical)
          c.issue(
            ['harm', 'ambiguous'],
            `ambiguous (${ambiguous}) must not be above critical (${critical})`,
          )
        harm = {
          ambiguous,
          critical,
          required: c.boolean(h.required, ['harm', 'required']) ?? true,
        }
      }
    }
  }

  const ctx =
    c.object(
      root.contextual,
      ['contextual'],
      ['sensor_tolerance', 'sensor_iou_min', 'volatility_max', 'volatility_window_s'],
      false,
    ) ?? {}
  const contextual: Policy['contextual'] = {
    volatilityWindowMs:
      (c.number(ctx.volatility_window_s, ['contextual', 'volatility_window_s'], {
        min: 1,
        max: 86_400 * 366,
      }) ?? 600) * 1000,
  }
  const tolerance = c.number(ctx.sensor_tolerance, ['contextual', 'sensor_tolerance'], { min: 0 })
  if (tolerance !== undefined) contextual.sensorTolerance = tolerance
  const iou = c.fraction(ctx.sensor_iou_min, ['contextual', 'sensor_iou_min'])
  if (iou !== undefined) contextual.sensorIouMin = iou
  const vol = c.number(ctx.volatility_max, ['contextual', 'volatility_max'], { min: 0 })
  if (vol !== undefined) contextual.volatilityMax = vol

  const rules: PolicyRule[] = []
  if (root.rules !== undefined) {
    const list = c.array(root.rules, ['rules'], 32) ?? []
    const seen = new Set<string>()
    list.forEach((raw, i) => {
      const rule = parseRule(c, raw, ['rules', i])
      if (!rule) return
      if (seen.has(rule.id)) c.issue(['rules', i, 'id'], `duplicate rule id "${rule.id}"`)
      seen.add(rule.id)
      rules.push(rule)
    })
  }

  const p = c.object(
    root.pause,
    ['pause'],
    ['timeout_ms', 'budget', 'verification_hook', 'escalation_target'],
    true,
  )
  const b = p
    ? (c.object(p.budget, ['pause', 'budget'], ['per_caller', 'overall'], false) ?? {})
    : {}
  const timeoutMs = p
    ? c.integer(p.timeout_ms, ['pause', 'timeout_ms'], {
        min: 1,
        max: 7 * 86_400_000,
        required: true,
      })
    : undefined
  const pause: Policy['pause'] = {
    timeoutMs: timeoutMs ?? 60_000,
    perCaller: bucket(c, b.per_caller, ['pause', 'budget', 'per_caller'], {
      capacity: 10,
      refillPerSecond: 0.1,
    }),
    overall: bucket(c, b.overall, ['pause', 'budget', 'overall'], {
      capacity: 100,
      refillPerSecond: 1,
    }),
  }
  const hook = p
    ? c.string(p.verification_hook, ['pause', 'verification_hook'], {
        pattern: PROFILE_RE,
        what: 'a lower-case token',
      })
    : undefined
  if (hook !== undefined) pause.verificationHook = hook
  // Recorded in the MTL of every pause: a role or group, checked as the MTL's identifiers are.
  const escalationTarget = p
    ? c.string(p.escalation_target, ['pause', 'escalation_target'], {
        pattern: ESCALATION_TARGET_RE,
        what: 'a role or group id of 1-128 characters from A-Z a-z 0-9 . _ : / @ + = - (no spaces, no personal names)',
      })
    : undefined
  if (escalationTarget !== undefined) pause.escalationTarget = escalationTarget
  const requireModelHash = c.boolean(root.require_model_hash, ['require_model_hash']) ?? false

  let verification: Policy['verification']
  if (root.verification !== undefined) {
    const v = c.object(root.verification, ['verification'], ['hook'], true)
    const h = v && c.object(v.hook, ['verification', 'hook'], ['url', 'timeout_ms'], true)
    const config = h && verificationHook(c, h, ['verification', 'hook'])
    if (config) verification = { hook: config }
    if (config && hook !== undefined)
      c.issue(
        ['verification', 'hook'],
        'a profile has one verification hook: remove pause.verification_hook (a hook configured in code) or verification.hook',
        true,
      )
  }

  const reviewers: `0x${string}`[] = []
  if (root.reviewers !== undefined) {
    for (const [i, r] of (c.array(root.reviewers, ['reviewers'], 1000) ?? []).entries()) {
      if (typeof r === 'number') {
        c.issue(
          ['reviewers', i],
          'write the address in quotes: YAML reads an unquoted 0x… as a number',
        )
        continue
      }
      const addr = c.string(r, ['reviewers', i], {
        required: true,
        pattern: ADDRESS_RE,
        what: 'an address (0x and 40 hex digits)',
      })
      if (addr) reviewers.push(addr.toLowerCase() as `0x${string}`)
    }
  }
  const piiFields: string[] = []
  if (root.pii_fields !== undefined) {
    for (const [i, f] of (c.array(root.pii_fields, ['pii_fields'], 256) ?? []).entries()) {
      const field = c.string(f, ['pii_fields', i], {
        required: true,
        pattern: PII_FIELD_RE,
        what: 'a dot path under input, output or context',
      })
      if (field) piiFields.push(field)
    }
  }

  const proxy =
    root.proxy === undefined ? undefined : validateProxySection({ raw: root.proxy, timing, issues })

  if (issues.length > 0 || profile === undefined) return { valid: false, issues }
  const policy: Policy = {
    v: 'tml-policy/1',
    profile,
    description,
    timing,
    ambiguity,
    contextual,
    rules,
    pause,
    reviewers,
    piiFields,
  }
  if (requireModelHash) policy.requireModelHash = true
  if (harm) policy.harm = harm
  if (verification) policy.verification = verification
  if (proxy) policy.proxy = proxy
  return { valid: true, policy }
}

function bucket(
  c: Checker,
  raw: unknown,
  path: (string | number)[],
  fallback: BucketConfig,
): BucketConfig {
  if (raw === undefined) return fallback
  const o = c.object(raw, path, ['capacity', 'refill_per_s'])
  if (!o) return fallback
  return {
    capacity:
      c.integer(o.capacity, [...path, 'capacity'], { min: 0, max: 1_000_000, required: true }) ??
      fallback.capacity,
    refillPerSecond:
      c.number(o.refill_per_s, [...path, 'refill_per_s'], {
        min: 0,
        max: 1_000_000,
        required: true,
      }) ?? fallback.refillPerSecond,
  }
}

function verificationHook(
  c: Checker,
  o: Record<string, unknown>,
  path: (string | number)[],
): VerificationHookConfig | undefined {
  const timeoutMs = c.integer(o.timeout_ms, [...path, 'timeout_ms'], { min: 1, max: 600_000 })
  const raw = c.string(o.url, [...path, 'url'], { required: true, maxLength: MAX_URL_LENGTH })
  if (raw === undefined) return undefined
  const at = [...path, 'url']
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    c.issue(at, `must be an absolute http or https URL, got ${show(raw)}`)
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    c.issue(at, `must be an http or https URL, got scheme "${url.protocol.slice(0, -1)}"`)
    return undefined
  }
  // The policy file is hashed into every MTL and read by anyone auditing it: no secrets in it.
  if (url.username !== '' || url.password !== '') {
    c.issue(at, 'must not carry credentials (user:password@): a policy is not a secret store')
    return undefined
  }
  if (url.hash !== '') {
    c.issue(at, 'must not have a fragment (#…): it is never sent')
    return undefined
  }
  const verifier = `${url.origin}${url.pathname}`
  if (!ARBITER_ID_RE.test(verifier)) {
    c.issue(
      at,
      `"${verifier}" names the hook in resolution MTLs, so it may only use letters, digits and . _ : / @ + = - (no IPv6 literal, no %-escapes), at most 128 characters`,
    )
    return undefined
  }
  if (timeoutMs === undefined && o.timeout_ms !== undefined) return undefined
  return { url: url.href, timeoutMs: timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS, verifier }
}

function parseRule(c: Checker, raw: unknown, path: (string | number)[]): PolicyRule | undefined {
  const o = c.object(raw, path, ['id', 'trigger', 'mandate', 'outcome', 'reason', 'when'])
  if (!o) return undefined
  const id = c.string(o.id, [...path, 'id'], {
    required: true,
    pattern: RULE_ID_RE,
    what: 'a lower-case id (letters, digits, . _ -)',
  })
  const trigger = c.oneOf(o.trigger, [...path, 'trigger'], RULE_TRIGGERS) ?? 'MANDATE'
  const mandate = c.oneOf(o.mandate, [...path, 'mandate'], [
    'human_rights',
    'earth_protection',
  ] as const)
  if (mandate !== undefined && trigger !== 'MANDATE')
    c.issue([...path, 'mandate'], 'only a rule with trigger MANDATE names a mandate')
  const outcome = c.oneOf(o.outcome, [...path, 'outcome'], [0, -1] as const, true)
  const reason = c.string(o.reason, [...path, 'reason'], { required: true, maxLength: 300 })
  if (o.when === undefined) c.issue([...path], 'missing "when" (the condition of the rule)')
  const when = o.when === undefined ? undefined : parseCondition(c, o.when, [...path, 'when'], 0)
  if (id === undefined || outcome === undefined || reason === undefined || when === undefined)
    return undefined
  const rule: PolicyRule = { id, trigger, outcome, reason, when }
  if (mandate !== undefined) rule.mandate = mandate
  return rule
}

function parseCondition(
  c: Checker,
  raw: unknown,
  path: (string | number)[],
  depth: number,
): Condition | undefined {
  if (depth > MAX_CONDITION_DEPTH) {
    c.issue(path, `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`)
    return undefined
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    c.issue(
      path,
      `must be a condition (all, any, not, or field with one operator), got ${show(raw)}`,
    )
    return undefined
  }
  const o = raw as Record<string, unknown>
  const keys = Object.keys(o)
  for (const combinator of ['all', 'any'] as const) {
    if (!(combinator in o)) continue
    if (keys.length !== 1) {
      c.issue(path, `"${combinator}" must be the only member of its condition`)
      return undefined
    }
    const list = c.array(o[combinator], [...path, combinator], 64)
    if (!list) return undefined
    if (list.length === 0) c.issue([...path, combinator], 'must list at least one condition')
    const parts = list.map((x, i) => parseCondition(c, x, [...path, combinator, i], depth + 1))
    if (parts.some((x) => x === undefined)) return undefined
    return combinator === 'all' ? { all: parts as Condition[] } : { any: parts as Condition[] }
  }
  if ('not' in o) {
    if (keys.length !== 1) {
      c.issue(path, '"not" must be the only member of its condition')
      return undefined
    }
    const inner = parseCondition(c, o.not, [...path, 'not'], depth + 1)
    return inner && { not: inner }
  }
  const field = c.string(o.field, [...path, 'field'], {
    required: true,
    pattern: FIELD_RE,
    what: 'a dot path under input, output, context or signals',
  })
  const ops = keys.filter((k) => k !== 'field')
  for (const k of ops) {
    if (!OPERATORS.includes(k as ComparisonOperator)) {
      c.issue([...path, k], `unknown operator "${k}" (one of ${OPERATORS.join(', ')})`, true)
      return undefined
    }
  }
  if (ops.length !== 1) {
    c.issue(
      path,
      `a comparison has exactly one operator (${OPERATORS.join(', ')}), found ${ops.length}`,
    )
    return undefined
  }
  const op = ops[0] as ComparisonOperator
  const value = o[op]
  const at = [...path, op]
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v)
  if (op === 'exists' && typeof value !== 'boolean')
    c.issue(at, `must be true or false, got ${show(value)}`)
  else if (
    (op === 'in' || op === 'not_in') &&
    !(Array.isArray(value) && value.length > 0 && value.every(scalar))
  ) {
    c.issue(at, 'must be a non-empty list of strings, numbers, booleans or null')
  } else if (
    ['gt', 'gte', 'lt', 'lte'].includes(op) &&
    typeof value !== 'number' &&
    typeof value !== 'string'
  ) {
    c.issue(at, `must be a number or a string, got ${show(value)}`)
  } else if (['eq', 'ne', 'contains'].includes(op) && !scalar(value)) {
    c.issue(at, `must be a string, number, boolean or null, got ${show(value)}`)
  } else if (op === 'starts_with' && !(typeof value === 'string' && value.length > 0)) {
    c.issue(at, `must be a non-empty string, got ${show(value)}`)
  } else if (op === 'within' || op === 'not_within') {
    const roots = pathRoots(c, value, at)
    if (roots !== undefined && field !== undefined) return { field, op, value: roots }
  } else if (field !== undefined) {
    return { field, op, value } satisfies Comparison
  }
  return undefined
}

/**
 * The roots of `within` / `not_within`: absolute POSIX paths, stored normalized (no `.`/`..`
 * segment, no trailing `/`) so that the evaluator compares like with like.
 */
function pathRoots(c: Checker, value: unknown, at: (string | number)[]): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > 64) {
    c.issue(at, 'must be a list of 1 to 64 absolute paths')
    return undefined
  }
  const roots: string[] = []
  for (const [i, v] of value.entries()) {
    if (typeof v !== 'string' || !v.startsWith('/') || v.length > 4096 || v.includes('\0')) {
      c.issue([...at, i], `must be an absolute path (starting with /), got ${show(v)}`)
      return undefined
    }
    roots.push(normalizePosixPath(v))
  }
  return roots
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (Array.isArray(v)) return 'a list'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'a mapping'
  return JSON.stringify(v)
}

class Checker {
  readonly issues: PolicyPathIssue[]
  constructor(issues: PolicyPathIssue[]) {
    this.issues = issues
  }

  issue(path: (string | number)[], reason: string, atKey = false): void {
    this.issues.push(atKey ? { path, reason, atKey } : { path, reason })
  }

  object(
    v: unknown,
    path: (string | number)[],
    allowed: readonly string[],
    required = path.length === 0,
  ): Record<string, unknown> | undefined {
    if (v === undefined) {
      if (required)
        this.issue(
          path,
          path.length === 0 ? 'the document is empty' : 'missing (a mapping is required)',
        )
      return undefined
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.issue(path, `must be a mapping, got ${show(v)}`)
      return undefined
    }
    const o = v as Record<string, unknown>
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k))
        this.issue([...path, k], `unknown member "${k}" (allowed: ${allowed.join(', ')})`, true)
    }
    return o
  }

  array(v: unknown, path: (string | number)[], maxItems: number): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.issue(path, `must be a list, got ${show(v)}`)
      return undefined
    }
    if (v.length > maxItems) this.issue(path, `has ${v.length} items, at most ${maxItems} allowed`)
    return v
  }

  string(
    v: unknown,
    path: (string | number)[],
    o: { required?: boolean; pattern?: RegExp; what?: string; maxLength?: number },
  ): string | undefined {
    if (v === undefined) {
      if (o.required) this.issue(path, 'missing (required)')
      return undefined
    }
    if (typeof v !== 'string') {
      this.issue(path, `must be a string, got ${show(v)}`)
      return undefined
    }
    if (o.pattern && !o.pattern.test(v)) {
      this.issue(path, `must be ${o.what ?? `a string matching ${o.pattern}`}, got ${show(v)}`)
      return undefined
    }
    if (o.maxLength !== undefined && v.length > o.maxLength) {
      this.issue(path, `is ${v.length} characters long, at most ${o.maxLength} allowed`)
      return undefined
    }
    return v
  }

  number(
    v: unknown,
    path: (string | number)[],
    o: { min?: number; max?: number; required?: boolean },
  ): number | undefined {
    if (v === undefined) {
      if (o.required) this.issue(path, 'missing (required)')
      return undefined
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.issue(path, `must be a number, got ${show(v)}`)
      return undefined
    }
    if ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max)) {
      this.issue(path, `must be between ${o.min ?? '-∞'} and ${o.max ?? '∞'}, got ${v}`)
      return undefined
    }
    return v
  }

  integer(
    v: unknown,
    path: (string | number)[],
    o: { min?: number; max?: number; required?: boolean },
  ): number | undefined {
    const n = this.number(v, path, o)
    if (n !== undefined && !Number.isInteger(n)) {
      this.issue(path, `must be a whole number, got ${n}`)
      return undefined
    }
    return n
  }

  fraction(v: unknown, path: (string | number)[], required = false): number | undefined {
    return this.number(v, path, { min: 0, max: 1, required })
  }

  boolean(v: unknown, path: (string | number)[]): boolean | undefined {
    if (v === undefined) return undefined
    if (typeof v !== 'boolean') {
      this.issue(path, `must be true or false, got ${show(v)}`)
      return undefined
    }
    return v
  }

  oneOf<T extends string | number>(
    v: unknown,
    path: (string | number)[],
    options: readonly T[],
    required = false,
  ): T | undefined {
    if (v === undefined) {
      if (required) this.issue(path, `missing (one of ${options.join(', ')})`)
      return undefined
    }
    if (!options.includes(v as T)) {
      this.issue(path, `must be one of ${options.join(', ')}, got ${show(v)}`)
      return undefined
    }
    return v as T
  }
}
