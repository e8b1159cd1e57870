import { accessDetailSchema, accessMtlSchema } from './accessSchema.ts'
import {
  ARBITER_KINDS,
  CAUSAL_COMPARISONS,
  MTL_LIMITS,
  MTL_STATES,
  MTL_VERSION,
  RESOLUTION_DECISIONS,
  TRIGGER_TYPES,
  UNSIGNED_ARBITER_KINDS,
} from './constants.ts'
import type { JsonSchema } from './JsonSchema.ts'
import {
  CALLER_PATTERN,
  HEX_BYTES_PATTERN,
  HEX32_PATTERN,
  IDENTIFIER_PATTERN,
  SUBJECT_PATTERN,
  TIMESTAMP_PATTERN,
  TOKEN_PATTERN,
  UNICODE_TEXT_PATTERN,
  UUID_PATTERN,
} from './patterns.ts'

const hex32 = (description: string): JsonSchema => ({
  type: 'string',
  pattern: HEX32_PATTERN,
  description,
})
const identifier = (description: string): JsonSchema => ({
  type: 'string',
  pattern: IDENTIFIER_PATTERN,
  description,
})

// The fields of every MTL, in the order the schema lists them. `kind` and `state` differ per kind.
const commonProperties = (kind: JsonSchema, state: JsonSchema): Record<string, JsonSchema> => ({
  v: {
    const: MTL_VERSION,
    description: 'Format version. A record with any other field set is another version.',
  },
  log_id: hex32(
    'The log this record belongs to: the bytes32 id assigned when the log was declared on chain.',
  ),
  seq: {
    type: 'integer',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description:
      'Position in the log, from 0 with no gaps: also the leaf index in the RFC 9162 tree.',
  },
  trace_id: {
    type: 'string',
    pattern: UUID_PATTERN,
    description: 'Unique id of this decision event (RFC 9562 UUID, lower case).',
  },
  timestamp: {
    type: 'string',
    pattern: TIMESTAMP_PATTERN,
    format: 'date-time',
    description:
      'When the decision was taken: RFC 3339 in UTC with Z, at most millisecond precision, on a day that exists (format date-time).',
  },
  kind,
  state,
  trigger_type: {
    enum: TRIGGER_TYPES,
    description:
      'What caused the state: AMBIGUITY, HARM, CONTEXTUAL, MANDATE (a domain mandate rule), MANUAL (an operator), BUDGET (pause budget exhausted), LEDGER (log or anchoring unavailable), NONE (nothing fired).',
  },
  trigger_detail: {
    type: 'string',
    maxLength: MTL_LIMITS.triggerDetailLength,
    pattern: UNICODE_TEXT_PATTERN,
    description: `Short human-readable reason (at most ${MTL_LIMITS.triggerDetailLength} characters). Never raw personal data.`,
  },
  metrics: {
    type: 'object',
    maxProperties: MTL_LIMITS.metrics,
    propertyNames: { pattern: TOKEN_PATTERN },
    additionalProperties: { type: 'number' },
    description: `The raw scores behind the decision, by name (e.g. entropy, confidence, harm_score): at most ${MTL_LIMITS.metrics} finite numbers.`,
  },
  policy_hash: hex32('SHA-256 of the policy file in force when the decision was taken.'),
  model: {
    title: 'Model',
    type: 'object',
    required: ['id', 'version_hash'],
    properties: {
      id: identifier('Name of the model that produced the output.'),
      version_hash: hex32(
        'Hash that pins the exact model version (weights or deployment manifest).',
      ),
    },
    additionalProperties: false,
    description: 'The AI model the decision is about.',
  },
  input_hash: hex32('SHA-256 of the pseudonymized input.'),
  output_hash: {
    type: ['string', 'null'],
    pattern: HEX32_PATTERN,
    description:
      'SHA-256 of the pseudonymized output, or null when no output was released (refusal, pause).',
  },
  subject: {
    type: 'string',
    pattern: SUBJECT_PATTERN,
    description:
      'Pseudonym of the person concerned, never raw personal data: psn: and a keyed hash (HMAC-SHA-256 under a key the operator holds apart from the log). Destroying the key erases the link to the person without touching the log.',
  },
  causal_graph: {
    type: 'array',
    maxItems: MTL_LIMITS.causalNodes,
    items: { $ref: '#/$defs/causalNode' },
    description: `The chain of evidence that led to the state, as nodes in order (at most ${MTL_LIMITS.causalNodes}); a node names the earlier nodes it used.`,
  },
  caller: {
    type: 'string',
    pattern: CALLER_PATTERN,
    description:
      'Optional. Pseudonym of the API caller that initiated the record: clr: and a keyed hash (HMAC-SHA-256 under a key the operator holds) of the caller name its API key belongs to; never the key, never the name. Records written before it was logged have none.',
  },
  evidence_seal: hex32(
    "Optional. SHA-256 of the record's sealed evidence envelope (tml-vault/1: version, epoch, nonce, ciphertext) in the gateway's evidence vault, so that the vault entry an auditor opens is provably the anchored one. Absent when the vault is off.",
  ),
})

const commonRequired = [
  'v',
  'log_id',
  'seq',
  'trace_id',
  'timestamp',
  'kind',
  'state',
  'trigger_type',
  'trigger_detail',
  'metrics',
  'policy_hash',
  'model',
  'input_hash',
  'output_hash',
  'subject',
  'causal_graph',
] as const

// A rule that holds only when `resolution.decision` is the given value: then `state` must be it too.
const stateFollowsDecision = (decision: 1 | -1): JsonSchema => ({
  if: {
    required: ['resolution'],
    properties: {
      resolution: {
        type: 'object',
        required: ['decision'],
        properties: { decision: { const: decision } },
      },
    },
  },
  // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
  then: {
    description: 'state must equal resolution.decision',
    properties: { state: { const: decision } },
  },
})

// A rule on the arbiter's kind: `when` lists the kinds, `then` what a resolution by them must hold.
const byArbiterKind = (when: readonly string[], then: JsonSchema): JsonSchema => ({
  if: {
    required: ['arbiter'],
    properties: {
      arbiter: { type: 'object', required: ['kind'], properties: { kind: { enum: when } } },
    },
  },
  then,
})

const decision: JsonSchema = {
  title: 'Decision MTL',
  description: 'A decision of the gateway: +1 proceed, 0 pause (a resolution follows), -1 refuse.',
  type: 'object',
  required: commonRequired,
  properties: {
    ...commonProperties(
      { const: 'decision', description: 'decision: a gateway decision.' },
      {
        enum: MTL_STATES,
        description: 'Ternary state: 1 proceed, 0 pause for resolution, -1 refuse.',
      },
    ),
    escalation_target: identifier(
      "Optional, pauses only. Who the pause escalates to, as the policy names it (a reviewer group or role, e.g. clinical-review-board), never a person's name.",
    ),
  },
  additionalProperties: false,
  allOf: [
    {
      if: {
        required: ['escalation_target'],
        properties: { escalation_target: { type: 'string' } },
      },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
      then: {
        description: 'only a pause escalates',
        properties: { state: { const: 0 } },
      },
    },
  ],
}

const resolution: JsonSchema = {
  title: 'Resolution MTL',
  description:
    'The end of a pause: a new record that refers to the pause decision it closes (nothing is ever rewritten).',
  type: 'object',
  required: [...commonRequired, 'resolution', 'refers_to'],
  properties: {
    ...commonProperties(
      { const: 'resolution', description: 'resolution: closes a pause.' },
      {
        enum: RESOLUTION_DECISIONS,
        description: 'The state the pause ended in: equal to resolution.decision.',
      },
    ),
    resolution: { $ref: '#/$defs/resolutionDetail' },
    refers_to: {
      type: 'string',
      pattern: UUID_PATTERN,
      description: 'trace_id of the pause (state 0) decision that this resolution closes.',
    },
  },
  additionalProperties: false,
  allOf: [stateFollowsDecision(1), stateFollowsDecision(-1)],
}

const erasure: JsonSchema = {
  title: 'Erasure MTL',
  description:
    "The erasure of a subject: the gateway destroyed the subject's pseudonym key (crypto-shredding), so earlier records can no longer be linked to the person. Carries the pseudonym only, never personal data; nothing earlier is rewritten.",
  type: 'object',
  required: commonRequired,
  properties: {
    ...commonProperties(
      { const: 'erasure', description: 'erasure: a subject was erased.' },
      { const: 1, description: 'Always 1: the erasure took effect.' },
    ),
    trigger_type: {
      const: 'MANUAL',
      description: 'Always MANUAL: an erasure is requested by the subject or the operator.',
    },
    output_hash: { const: null, description: 'Always null: an erasure releases no output.' },
  },
  additionalProperties: false,
}

const access: JsonSchema = accessMtlSchema({ commonProperties, commonRequired })

const resolutionDetail: JsonSchema = {
  title: 'Resolution',
  description:
    'Who ended the pause, how, why, and their signature. pause_leaf_hash and deadline were added later: records written before carry neither, and their signature cannot be checked from the log alone.',
  type: 'object',
  required: ['decision', 'arbiter', 'rationale_hash', 'signature'],
  properties: {
    decision: { enum: RESOLUTION_DECISIONS, description: '1 approved, -1 denied.' },
    arbiter: { $ref: '#/$defs/arbiter' },
    rationale_hash: hex32("SHA-256 of the arbiter's written rationale (kept off the log)."),
    pause_leaf_hash: hex32(
      'Leaf hash of the pause MTL, as the arbiter signed it: with the other members it rebuilds the signed message.',
    ),
    deadline: {
      type: 'integer',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description:
        "Unix seconds: the deadline a reviewer signed. The record's timestamp must not be after it.",
    },
    signature: {
      type: ['string', 'null'],
      maxLength: 2 + 2 * MTL_LIMITS.signatureBytes,
      pattern: HEX_BYTES_PATTERN,
      description: `The arbiter's signature (0x hex, at most ${MTL_LIMITS.signatureBytes} bytes); null only when the arbiter is the timeout or the budget.`,
    },
  },
  additionalProperties: false,
  allOf: [
    byArbiterKind(
      ARBITER_KINDS.filter((k) => !(UNSIGNED_ARBITER_KINDS as readonly string[]).includes(k)),
      {
        description: 'a reviewer or a verification must sign',
        properties: { signature: { type: 'string' } },
      },
    ),
    byArbiterKind(UNSIGNED_ARBITER_KINDS, {
      description: 'a timeout or an exhausted budget can only deny',
      properties: { decision: { const: -1 } },
    }),
  ],
}

const arbiter: JsonSchema = {
  title: 'Arbiter',
  description: 'Who ended the pause.',
  type: 'object',
  required: ['kind', 'id'],
  properties: {
    kind: {
      enum: ARBITER_KINDS,
      description:
        'reviewer (a human), verification (an automatic check), timeout, budget (pause budget exhausted).',
    },
    id: identifier(
      'Opaque id of the reviewer key, the verifier, or the gateway rule; never a name or an e-mail.',
    ),
  },
  additionalProperties: false,
}

const causalNode: JsonSchema = {
  title: 'Causal node',
  description:
    'One step of the evidence: an input, a sensor reading, a score, a rule or a trigger.',
  type: 'object',
  required: ['id', 'kind', 'inputs'],
  properties: {
    id: identifier('Id of the node, unique within the graph.'),
    kind: {
      type: 'string',
      pattern: TOKEN_PATTERN,
      description: 'What the node is, e.g. input, sensor, metric, rule, trigger.',
    },
    inputs: {
      type: 'array',
      maxItems: MTL_LIMITS.causalInputs,
      uniqueItems: true,
      items: { type: 'string', pattern: IDENTIFIER_PATTERN },
      description: `Ids of the nodes this one was derived from (at most ${MTL_LIMITS.causalInputs}).`,
    },
    threshold: {
      type: 'number',
      description:
        'Optional, with comparison. The limit in force that a numeric check compared its measured value (in metrics) against.',
    },
    comparison: {
      enum: CAUSAL_COMPARISONS,
      description:
        'Optional, with threshold. How the check fired: value gt (>), gte (>=), lt (<) or lte (<=) threshold.',
    },
  },
  additionalProperties: false,
  allOf: [
    {
      if: { required: ['threshold'], properties: { threshold: { type: 'number' } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
      then: {
        description: 'a threshold needs its comparison',
        required: ['comparison'],
        properties: { comparison: { enum: CAUSAL_COMPARISONS } },
      },
    },
    {
      if: { required: ['comparison'], properties: { comparison: { enum: CAUSAL_COMPARISONS } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
      then: {
        description: 'a comparison needs its threshold',
        required: ['threshold'],
        properties: { threshold: { type: 'number' } },
      },
    },
  ],
}

/**
 * The JSON Schema (draft 2020-12) of `mtl/1`: the one definition of the format. The runtime
 * validator ({@link validateMtl}) interprets this object, and `scripts/write-schema.ts` publishes
 * it as `schema/mtl-1.schema.json`. Frozen: changing it would change what is valid.
 *
 * Spec: JSON Schema draft 2020-12; fields per docs ARCHITECTURE "Formats" and the Sacred Pause
 * Protocol §9.1.
 *
 * @example
 * import { Ajv2020 } from 'ajv/dist/2020.js'
 * new Ajv2020().compile(mtlSchema) // any 2020-12 validator can check MTLs
 */
export const mtlSchema: JsonSchema = deepFreeze({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://tml-anchor.org/schema/mtl-1.schema.json',
  title: 'Moral Trace Log (mtl/1)',
  description:
    'One record of an append-only TML Anchor log: a decision, the resolution of a pause, the erasure of a subject, or an auditor access event copied from chain. Its leaf hash is SHA-256(0x00 || UTF-8 of its RFC 8785 canonical JSON); unknown fields are invalid because the hash commits to every field.',
  type: 'object',
  if: { required: ['kind'], properties: { kind: { const: 'resolution' } } },
  // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
  then: { $ref: '#/$defs/resolution' },
  else: {
    if: { required: ['kind'], properties: { kind: { const: 'erasure' } } },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
    then: { $ref: '#/$defs/erasure' },
    else: {
      if: { required: ['kind'], properties: { kind: { const: 'access' } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
      then: { $ref: '#/$defs/access' },
      else: { $ref: '#/$defs/decision' },
    },
  },
  $defs: {
    decision,
    resolution,
    erasure,
    access,
    resolutionDetail,
    arbiter,
    causalNode,
    accessDetail: accessDetailSchema,
  },
})

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
