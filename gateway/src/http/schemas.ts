// JSON Schemas (draft 7, as Fastify's Ajv compiles them) of the API. They validate requests
// before any handler runs, and the same objects make up /openapi.json, so the published
// contract is exactly what is enforced. Patterns mirror core's mtl/1 patterns.

const HEX32 = '^0x[0-9a-f]{64}$'
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
const IDENTIFIER = '^[A-Za-z0-9._:/@+=-]{1,128}$'
const fraction = { type: 'number', minimum: 0, maximum: 1 } as const
const hex32 = { type: 'string', pattern: HEX32 } as const

/** Longest wait a caller may ask for on a long poll, in milliseconds. */
export const MAX_WAIT_MS = 120_000

/** `signals` of a decision request. */
export const signalsSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'Scores from the AI system and its monitors. Which ones a profile requires is in its policy.',
  properties: {
    confidence: { ...fraction, description: 'Model confidence, 0..1.' },
    harm: { ...fraction, description: 'Harm score of the guardrail model, 0..1.' },
    distribution: {
      type: 'array',
      minItems: 1,
      maxItems: 1024,
      items: fraction,
      description: 'Probability distribution over outcomes (sums to 1 ± 0.001).',
    },
    token_logprobs: {
      type: 'array',
      maxItems: 4096,
      items: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'number', maximum: 0 } },
      description: 'Per token, natural-log probabilities of its top-k alternatives.',
    },
    sensors: {
      type: 'array',
      maxItems: 16,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'vector'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 64 },
          vector: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'number' } },
        },
      },
      description: 'Readings of redundant sensors of one quantity (same dimensions).',
    },
    sensor_iou: { ...fraction, description: 'Intersection over union of two detectors, 0..1.' },
    volatility: {
      type: 'number',
      minimum: 0,
      description: 'Volatility over the profile window (0.05 = 5 %).',
    },
    series: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['t', 'value'],
        properties: {
          t: { type: 'number', description: 'Unix milliseconds.' },
          value: { type: 'number' },
        },
      },
      description: 'Samples from which the gateway computes volatility over the profile window.',
    },
  },
} as const

/** Body of `POST /v1/decisions`; the smallest valid one is `{"profile":"general","input":{"text":"hello"},"signals":{"confidence":0.99,"harm":0.01}}`. */
export const decisionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['profile', 'input', 'signals'],
  properties: {
    profile: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,63}$',
      description: 'Policy profile (general, medical, …).',
    },
    input: {
      type: 'object',
      description:
        'The request to the AI system. Never stored: only a hash of its pseudonymized form.',
    },
    output: {
      description:
        'The AI system’s proposed output, if any. Only its hash is logged, and only when released (+1).',
    },
    context: {
      type: 'object',
      description: 'Facts the policy rules read (context.*). Hashed with the input.',
    },
    signals: signalsSchema,
    subject: {
      type: 'string',
      minLength: 1,
      maxLength: 256,
      description:
        'Id of the person concerned. Pseudonymized with a per-subject secret before anything is hashed.',
    },
    model: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'version_hash'],
      properties: { id: { type: 'string', pattern: IDENTIFIER }, version_hash: hex32 },
    },
    wait_ms: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_WAIT_MS,
      description: 'On a pause, hold the answer up to this long for its resolution (long poll).',
    },
  },
} as const

/** A signed receipt (`tml-receipt/1`), as core defines it. */
export const receiptSchema = {
  type: 'object',
  description: 'tml-receipt/1, Ed25519-signed over its RFC 8785 form without signature.',
  required: ['v', 'logId', 'traceId', 'seq', 'leafHash', 'timestamp', 'signature'],
  properties: {
    v: { const: 'tml-receipt/1' },
    logId: hex32,
    traceId: { type: 'string', pattern: UUID },
    seq: { type: 'integer', minimum: 0 },
    leafHash: hex32,
    timestamp: { type: 'string' },
    signature: { type: 'string', pattern: '^0x[0-9a-f]{128}$' },
  },
} as const

/** How a pause ended (answer of the resolution route, and inside decision answers). */
export const resolutionSchema = {
  type: 'object',
  required: [
    'pause_id',
    'state',
    'arbiter',
    'trace_id',
    'seq',
    'leaf_hash',
    'receipt',
    'timestamp',
  ],
  properties: {
    pause_id: { type: 'string', pattern: UUID },
    state: { enum: [1, -1] },
    arbiter: {
      type: 'object',
      properties: {
        kind: { enum: ['reviewer', 'verification', 'timeout', 'budget'] },
        id: { type: 'string' },
      },
    },
    trace_id: { type: 'string', pattern: UUID, description: 'trace_id of the resolution MTL.' },
    seq: { type: 'integer' },
    leaf_hash: hex32,
    receipt: receiptSchema,
    timestamp: { type: 'string' },
  },
} as const

/** Answer of `POST /v1/decisions`. */
export const decisionAnswerSchema = {
  type: 'object',
  required: [
    'trace_id',
    'state',
    'trigger_type',
    'trigger_detail',
    'logged',
    'receipt',
    'lantern',
    'final_state',
  ],
  properties: {
    trace_id: { type: 'string', pattern: UUID },
    state: { enum: [1, 0, -1] },
    trigger_type: {
      enum: ['AMBIGUITY', 'HARM', 'CONTEXTUAL', 'MANDATE', 'MANUAL', 'BUDGET', 'LEDGER', 'NONE'],
    },
    trigger_detail: { type: 'string' },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    policy_hash: hex32,
    logged: {
      type: 'boolean',
      description: 'False only for -1 LEDGER answers: the log could not take the record.',
    },
    seq: { type: ['integer', 'null'] },
    leaf_hash: { type: ['string', 'null'] },
    receipt: { ...receiptSchema, type: ['object', 'null'] },
    lantern: { type: 'boolean', description: 'True while this decision is paused (Lantern on).' },
    pause: {
      type: 'object',
      properties: {
        pause_id: { type: 'string', pattern: UUID },
        deadline: { type: 'string' },
        status: { enum: ['pending', 'resolved'] },
        resolution: resolutionSchema,
      },
    },
    final_state: {
      enum: [1, 0, -1],
      description: 'The state in effect: the resolution’s when resolved while waiting.',
    },
  },
} as const

/** Body of `POST /v1/pauses/{pauseId}/resolution`: a reviewer’s EIP-712 resolution. */
export const resolutionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['decision', 'rationale_hash', 'deadline', 'signature'],
  properties: {
    decision: { enum: [1, -1], description: '1 approve, -1 refuse.' },
    rationale_hash: {
      ...hex32,
      description: 'SHA-256 of the written rationale (kept off the log).',
    },
    deadline: {
      type: 'integer',
      minimum: 0,
      maximum: 18_446_744_073,
      description: 'Unix seconds; the signature expires then.',
    },
    signature: {
      type: 'string',
      pattern: '^0x[0-9a-fA-F]{130}$',
      description:
        'EIP-712 signature of Resolution(logId, pauseId, pauseLeafHash, decision, rationaleHash, deadline).',
    },
  },
} as const

/** Every error answer. */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Machine-readable code.' },
    message: { type: 'string' },
    field: {
      type: 'string',
      description: 'Dot path of the offending field, when one is at fault.',
    },
  },
} as const

/** Path parameters of `/v1/traces/{traceId}`. */
export const traceIdParams = {
  type: 'object',
  required: ['traceId'],
  properties: { traceId: { type: 'string', pattern: UUID } },
} as const

/** Path parameters of `/v1/pauses/{pauseId}…`. */
export const pauseIdParams = {
  type: 'object',
  required: ['pauseId'],
  properties: { pauseId: { type: 'string', pattern: UUID } },
} as const

/** Path parameters of `/v1/subjects/{id}/erasure`. */
export const subjectParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
} as const

/** Query of `GET /v1/pauses`. */
export const pausesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: {
      enum: ['pending', 'resolved'],
      description: 'pending (default) or resolved (the most recent 1000).',
    },
  },
} as const

/** Query of `GET /v1/pauses/{pauseId}` (long poll). */
export const waitQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    wait_ms: {
      type: 'string',
      pattern: '^[0-9]{1,6}$',
      description: 'Long poll up to this many ms (≤ 120000).',
    },
  },
} as const

/** Query of `GET /v1/lantern`. */
export const lanternQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    access_token: {
      type: 'string',
      description: 'API key, for EventSource clients that cannot set headers.',
    },
  },
} as const
