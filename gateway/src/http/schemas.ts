// JSON Schemas (draft 7, as Fastify's Ajv compiles them) of the API. They validate requests
// before any handler runs, and the same objects make up /openapi.json, so the published
// contract is exactly what is enforced. Patterns are core's mtl/1 patterns themselves: a value
// the API accepts is one the MTL schema accepts.

import {
  BUNDLE_REQUIRED_FIELDS,
  BUNDLE_VERSION,
  HEX_BYTES_PATTERN,
  HEX32_PATTERN,
  IDENTIFIER_PATTERN,
  SUBJECT_PATTERN,
  TOKEN_PATTERN,
  UUID_PATTERN,
} from '@tml/core'

const fraction = { type: 'number', minimum: 0, maximum: 1 } as const
const hex32 = { type: 'string', pattern: HEX32_PATTERN } as const
/** A P-256 public key, uncompressed `0x04 ‖ x ‖ y` (65 bytes). */
const p256PublicKey = { type: 'string', pattern: '^0x04[0-9a-fA-F]{128}$' } as const
const uuid = { type: 'string', pattern: UUID_PATTERN } as const

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
      pattern: TOKEN_PATTERN,
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
      description:
        'The model that produced the output: its name and the hash that pins its version (weights or deployment manifest), recorded in the MTL. A profile whose policy sets require_model_hash refuses a request without it (400 model_hash_required, nothing logged).',
      properties: {
        id: { type: 'string', pattern: IDENTIFIER_PATTERN },
        version_hash: { ...hex32, description: 'The model hash: SHA-256 of the model version.' },
      },
    },
    wait_ms: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_WAIT_MS,
      description: 'On a pause, hold the answer up to this long for its resolution (long poll).',
    },
  },
} as const

/** A signed receipt (`tml-receipt/2`), as core defines it. */
export const receiptSchema = {
  type: 'object',
  description:
    'tml-receipt/2, signed with ECDSA P-256 over SHA-256 of its RFC 8785 form without signature (r ‖ s, low s).',
  required: ['v', 'logId', 'traceId', 'seq', 'leafHash', 'timestamp', 'signature'],
  properties: {
    v: { const: 'tml-receipt/2' },
    logId: hex32,
    traceId: uuid,
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
    pause_id: uuid,
    state: { enum: [1, -1] },
    arbiter: {
      type: 'object',
      properties: {
        kind: { enum: ['reviewer', 'verification', 'timeout', 'budget'] },
        id: { type: 'string' },
      },
    },
    trace_id: { ...uuid, description: 'trace_id of the resolution MTL.' },
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
    trace_id: uuid,
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
        pause_id: uuid,
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

/** Longest rationale text a resolution may carry, in UTF-16 code units. */
export const MAX_RATIONALE_CHARS = 8192

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
    rationale: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_RATIONALE_CHARS,
      description:
        'The written rationale itself (optional): its SHA-256 must be rationale_hash. Sealed in the resolution’s vault record when the vault is on, never logged in clear; without the vault only its hash is kept.',
    },
  },
} as const

/**
 * Body of `POST /v1/pauses/{pauseId}/case`: a reviewer’s EIP-712 CaseRequest (docs/formats.md,
 * Case requests), valid at most five minutes and once.
 */
export const caseRequestBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['log_id', 'pause_id', 'nonce', 'issued_at', 'expires_at', 'signature'],
  properties: {
    log_id: { ...hex32, description: 'The log’s id, as signed.' },
    pause_id: { ...uuid, description: 'The pause, as signed: must be the one in the path.' },
    nonce: { ...hex32, description: '32 random bytes; each is accepted once.' },
    issued_at: { type: 'integer', minimum: 0, maximum: 18_446_744_073 },
    expires_at: {
      type: 'integer',
      minimum: 0,
      maximum: 18_446_744_073,
      description: 'Unix seconds, at most 300 after issued_at.',
    },
    signature: {
      type: 'string',
      pattern: '^0x[0-9a-fA-F]{130}$',
      description:
        'EIP-712 signature of CaseRequest(logId, pauseId, nonce, issuedAt, expiresAt) by a reviewer the pause’s policy lists.',
    },
  },
} as const

/** Answer of `POST /v1/pauses/{pauseId}/case`: the pause’s case for its reviewer. */
export const caseSchema = {
  type: 'object',
  required: [
    'pause_id',
    'profile',
    'seq',
    'leaf_hash',
    'trigger_type',
    'trigger_detail',
    'metrics',
    'input_hash',
    'output_hash',
    'evidence',
    'input',
    'context',
    'signals',
    'output_text',
    'output',
    'tool',
    'held_answer',
    'deadline',
    'reviewer',
    'expires_at',
  ],
  properties: {
    pause_id: uuid,
    profile: { type: 'string' },
    seq: { type: 'integer' },
    leaf_hash: hex32,
    trigger_type: { type: 'string' },
    trigger_detail: { type: 'string' },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    input_hash: hex32,
    output_hash: { anyOf: [hex32, { type: 'null' }] },
    evidence: {
      type: 'string',
      description:
        'RFC 8785 text of the pseudonymized { context, input, signals }: its SHA-256 is input_hash.',
    },
    input: { description: 'The pseudonymized request input.' },
    context: { description: 'The pseudonymized request context.' },
    signals: { description: 'The model signals of the request.' },
    output_text: {
      type: ['string', 'null'],
      description: 'RFC 8785 text of the held output: its SHA-256 is output_hash.',
    },
    output: { description: 'The held output (e.g. a proxied chat completion), or null.' },
    tool: {
      description: 'The MCP tool call of the pause, or null.',
      anyOf: [
        {
          type: 'object',
          required: ['name', 'arguments', 'server', 'transport'],
          properties: {
            name: { type: 'string' },
            arguments: {},
            server: { type: ['string', 'null'] },
            transport: { type: ['string', 'null'] },
          },
        },
        { type: 'null' },
      ],
    },
    held_answer: {
      type: ['string', 'null'],
      description: 'The assistant text of a held chat completion, or null.',
    },
    deadline: { type: 'string', description: 'RFC 3339: when the pause times out into -1.' },
    reviewer: { type: 'string', description: 'The reviewer whose request was served.' },
    expires_at: { type: 'integer', description: 'When that request expired (unix seconds).' },
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
  properties: { traceId: uuid },
} as const

/** Path parameters of `/v1/pauses/{pauseId}…`. */
export const pauseIdParams = {
  type: 'object',
  required: ['pauseId'],
  properties: { pauseId: uuid },
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

/** Path parameters of `/v1/logs/{logId}/…`. */
export const logIdParams = {
  type: 'object',
  required: ['logId'],
  properties: { logId: { ...hex32, description: 'bytes32 id of the log, lower-case hex.' } },
} as const

/** Query of `GET /v1/logs/{logId}/checkpoints` (checked by the handler: decimal integers). */
export const checkpointsQuery = {
  type: 'object',
  properties: {
    from: { type: 'string', description: 'First epoch (>= 1, default 1).' },
    limit: { type: 'string', description: 'Most checkpoints (1..1000, default 100).' },
  },
} as const

/** Query of `GET /v1/logs/{logId}/consistency` (checked by the handler: decimal integers). */
export const consistencyQuery = {
  type: 'object',
  properties: {
    from: { type: 'string', description: 'Older tree size.' },
    to: { type: 'string', description: "Newer tree size, at most the log's size." },
  },
} as const

/** Query of `GET /v1/logs/{logId}/entries` (checked by the handler: decimal integers). */
export const entriesQuery = {
  type: 'object',
  properties: {
    start: { type: 'string', description: 'First seq (default 0).' },
    end: { type: 'string', description: 'Seq after the last one (at most start + 1000).' },
  },
} as const

/** Path parameters of the tile routes: Fastify names a wildcard `*`. */
export const tilePathParams = {
  type: 'object',
  properties: {
    '*': {
      type: 'string',
      description: 'Tile path after /tiles/tile/: <L>/<N>[.p/<W>] or entries/<N>[.p/<W>].',
    },
  },
} as const

// Answers. Handlers return plain objects (serialized by JSON.stringify, see buildServer); these
// schemas say what they hold, for /openapi.json and for the clients generated from it.

/** Every route may answer an error: 400 on validation, 401 without a key, 500, 503 on closing. */
export const errorResponses = { '4XX': errorSchema, '5XX': errorSchema } as const

/** A non-JSON answer of one media type, for /openapi.json. */
export function mediaResponse(mediaType: string, description: string, schema: object) {
  return { description, content: { [mediaType]: { schema } } } as const
}

const address = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } as const
const mtl = {
  type: 'object',
  description: 'The MTL (mtl/1, core/schema/mtl-1.schema.json) exactly as stored and hashed.',
} as const
const metrics = { type: 'object', additionalProperties: { type: 'number' } } as const

/** Answer of `GET /healthz`. */
export const livenessSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { const: 'ok' } },
} as const

/** Answer of `GET /readyz` when the store takes durable writes. */
export const readySchema = {
  type: 'object',
  required: ['ready', 'log_size'],
  properties: { ready: { const: true }, log_size: { type: 'integer', minimum: 0 } },
} as const

/** Answer 503 of `GET /readyz`: the gateway answers -1 until the store recovers. */
export const notReadySchema = {
  type: 'object',
  required: ['ready', 'reason'],
  properties: { ready: { const: false }, reason: { type: 'string' } },
} as const

/** A pause waiting for a resolution, with the EIP-712 message a reviewer signs. */
export const pendingPauseSchema = {
  type: 'object',
  required: [
    'pause_id',
    'status',
    'profile',
    'trigger_type',
    'trigger_detail',
    'metrics',
    'seq',
    'leaf_hash',
    'created',
    'deadline',
    'typed_data',
  ],
  properties: {
    pause_id: uuid,
    status: { const: 'pending' },
    profile: { type: 'string' },
    trigger_type: { type: 'string' },
    trigger_detail: { type: 'string' },
    metrics,
    seq: { type: 'integer', minimum: 0 },
    leaf_hash: hex32,
    created: { type: 'string', description: 'Timestamp of the pause MTL.' },
    deadline: { type: 'string', description: 'When the pause times out into -1 (ISO 8601).' },
    typed_data: {
      type: 'object',
      description:
        'What a reviewer signs, minus decision, rationaleHash and deadline (the reviewer’s choice).',
      required: ['domain', 'types', 'primaryType', 'message'],
      properties: {
        domain: { type: 'object' },
        types: { type: 'object' },
        primaryType: { const: 'Resolution' },
        message: {
          type: 'object',
          required: ['logId', 'pauseId', 'pauseLeafHash'],
          properties: { logId: hex32, pauseId: uuid, pauseLeafHash: hex32 },
        },
      },
    },
  },
} as const

/** A resolved pause in `GET /v1/pauses?status=resolved`: its resolution, marked resolved. */
export const resolvedPauseSchema = {
  ...resolutionSchema,
  required: ['status', ...resolutionSchema.required],
  properties: { status: { const: 'resolved' }, ...resolutionSchema.properties },
} as const

/** Answer of `GET /v1/pauses`. */
export const pauseListSchema = {
  type: 'object',
  required: ['pauses'],
  properties: {
    pauses: { type: 'array', items: { anyOf: [pendingPauseSchema, resolvedPauseSchema] } },
  },
} as const

/** Answer of `GET /v1/pauses/{pauseId}`: pending, or resolved (with its resolution when known). */
export const pauseSchema = {
  anyOf: [
    pendingPauseSchema,
    {
      type: 'object',
      required: ['pause_id', 'status'],
      properties: { pause_id: uuid, status: { const: 'resolved' }, resolution: resolutionSchema },
    },
  ],
} as const

/** Answer of `GET /v1/traces/{traceId}`. */
export const traceSchema = {
  type: 'object',
  required: ['trace_id', 'seq', 'leaf_hash', 'mtl', 'receipt', 'resolved_by'],
  properties: {
    trace_id: uuid,
    seq: { type: 'integer', minimum: 0 },
    leaf_hash: hex32,
    mtl,
    receipt: receiptSchema,
    resolved_by: {
      type: ['string', 'null'],
      pattern: UUID_PATTERN,
      description: 'trace_id of the resolution of a pause, once resolved.',
    },
  },
} as const

/** Answer of `GET /v1/traces/{traceId}/proof` once anchored: a `tml-proof/1` bundle. */
export const proofBundleSchema = {
  type: 'object',
  description: 'tml-proof/1: everything needed to check the MTL offline and against the chains.',
  required: [...BUNDLE_REQUIRED_FIELDS],
  properties: {
    v: { const: BUNDLE_VERSION },
    mtl,
    leafIndex: { type: 'integer', minimum: 0 },
    treeSize: { type: 'integer', minimum: 1 },
    inclusionProof: { type: 'array', items: hex32 },
    checkpoint: { type: 'object' },
    checkpointSignature: { type: 'string', pattern: HEX_BYTES_PATTERN },
    receipt: receiptSchema,
    log: { type: 'object', description: "The log's keys." },
    anchors: { type: 'array', items: { type: 'object' } },
    ots: { type: 'string', description: 'OpenTimestamps proof (base64 of the .ots file).' },
  },
} as const

/** Answer 202 of `GET /v1/traces/{traceId}/proof`: logged, not anchored yet (`Retry-After`). */
export const proofPendingSchema = {
  type: 'object',
  required: ['status', 'trace_id', 'seq', 'message'],
  properties: {
    status: { const: 'pending' },
    trace_id: uuid,
    seq: { type: 'integer', minimum: 0 },
    message: { type: 'string' },
  },
} as const

/** Answer of `GET /v1/logs/{logId}/checkpoints`. */
export const checkpointPageSchema = {
  type: 'object',
  required: ['log_id', 'log', 'checkpoints'],
  properties: {
    log_id: hex32,
    log: {
      type: 'object',
      description:
        "The keys the operator claims; auditors check them against the chains' key history. receiptPublicKey signs the next receipts; receiptKeys lists every receipt key the log used, each from the first seq it signs.",
      required: ['checkpointSigner', 'receiptPublicKey', 'receiptKeys'],
      properties: {
        checkpointSigner: address,
        receiptPublicKey: p256PublicKey,
        receiptKeys: {
          type: 'array',
          items: {
            type: 'object',
            required: ['fromSeq', 'publicKey'],
            properties: { fromSeq: { type: 'integer', minimum: 0 }, publicKey: p256PublicKey },
          },
        },
      },
    },
    checkpoints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['checkpoint', 'signature', 'anchors'],
        properties: {
          checkpoint: {
            type: 'object',
            required: ['logId', 'epoch', 'treeSize', 'rootHash', 'timestamp'],
            properties: {
              logId: hex32,
              epoch: { type: 'integer', minimum: 1 },
              treeSize: { type: 'integer', minimum: 0 },
              rootHash: hex32,
              timestamp: { type: 'integer', description: 'Unix seconds.' },
            },
          },
          signature: { type: 'string', pattern: HEX_BYTES_PATTERN },
          anchors: {
            type: 'array',
            items: {
              type: 'object',
              required: ['chainId', 'registry', 'status', 'txHash', 'blockNumber', 'confirmations'],
              properties: {
                chainId: { type: 'integer' },
                registry: address,
                status: { enum: ['pending', 'sent', 'confirmed', 'skipped'] },
                txHash: { type: ['string', 'null'] },
                blockNumber: { type: ['integer', 'null'] },
                confirmations: { type: 'integer', minimum: 0 },
              },
            },
          },
        },
      },
    },
  },
} as const

/** Answer of `GET /v1/logs/{logId}/consistency`. */
export const consistencySchema = {
  type: 'object',
  required: ['from', 'to', 'proof'],
  properties: {
    from: { type: 'integer', minimum: 0 },
    to: { type: 'integer', minimum: 0 },
    proof: { type: 'array', items: hex32, description: 'RFC 9162 §2.1.4 consistency proof.' },
  },
} as const

/** Answer of `GET /v1/logs/{logId}/entries`. */
export const entryPageSchema = {
  type: 'object',
  required: ['log_id', 'entries'],
  properties: {
    log_id: hex32,
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'trace_id', 'leaf_hash', 'mtl', 'receipt'],
        properties: {
          seq: { type: 'integer', minimum: 0 },
          trace_id: uuid,
          leaf_hash: hex32,
          mtl,
          receipt: receiptSchema,
        },
      },
    },
  },
} as const

/** Answer of `POST /v1/subjects/{id}/erasure`. */
export const erasureSchema = {
  type: 'object',
  required: ['trace_id', 'seq', 'subject', 'leaf_hash', 'receipt'],
  properties: {
    trace_id: uuid,
    seq: { type: 'integer', minimum: 0 },
    subject: { type: 'string', pattern: SUBJECT_PATTERN },
    leaf_hash: hex32,
    receipt: receiptSchema,
  },
} as const
