import { ACCESS_EVENTS, MTL_LIMITS } from './constants.ts'
import type { JsonSchema } from './JsonSchema.ts'
import { ADDRESS_PATTERN, HEX32_PATTERN } from './patterns.ts'

// The `access` kind: one record per AccessRegistry event of the log (custodians declared, access
// requested, approved, granted, a share released), so that the log itself shows every grant,
// approval and release, and each record names the chain event it copies (chain id, contract,
// transaction, block, log index): the log points to the chain and the chain to the log.

const hex32 = (description: string): JsonSchema => ({
  type: 'string',
  pattern: HEX32_PATTERN,
  description,
})
const address = (description: string): JsonSchema => ({
  type: 'string',
  pattern: ADDRESS_PATTERN,
  description,
})
const whole = (minimum: number, maximum: number, description: string): JsonSchema => ({
  type: 'integer',
  minimum,
  maximum,
  description,
})
const uint64 = (minimum: number, description: string): JsonSchema =>
  whole(minimum, Number.MAX_SAFE_INTEGER, description)

/** Members every access detail has, whatever the event. */
const CHAIN_FIELDS = ['event', 'chain_id', 'contract', 'tx_hash', 'block_number', 'log_index']

/** The members each event requires besides {@link CHAIN_FIELDS}, and the only ones it may carry. */
export const ACCESS_EVENT_FIELDS: Readonly<
  Record<(typeof ACCESS_EVENTS)[number], readonly string[]>
> = {
  CustodiansDeclared: ['custody_version', 'threshold', 'custodians', 'custodian_keys'],
  AccessRequested: ['grant_id', 'auditor', 'auditor_key', 'from_epoch', 'to_epoch', 'duration'],
  AccessApproved: ['grant_id', 'custodian', 'approvals'],
  AccessGranted: ['grant_id', 'approved_at', 'expires_at'],
  ShareReleased: ['grant_id', 'epoch', 'custodian', 'share_index', 'wrapped_share_hash'],
}

// Every member's schema, by name: the detail lists them all, each event's rule its own again
// (JSON Schema validators in strict mode want a required member defined where it is required).
const FIELDS: Record<string, JsonSchema> = {
  event: {
    enum: ACCESS_EVENTS,
    description:
      'The AccessRegistry event: CustodiansDeclared, AccessRequested, AccessApproved, AccessGranted (the k-th approval made the grant live) or ShareReleased.',
  },
  chain_id: uint64(1, 'EIP-155 chain id of the chain the event is on.'),
  contract: address('The AccessRegistry that emitted the event (0x and 40 lower-case hex).'),
  tx_hash: hex32('Hash of the transaction that emitted the event.'),
  block_number: uint64(0, 'Number of the block the transaction is in.'),
  log_index: uint64(0, "Index of the event log in its block (the receipt's logIndex)."),
  grant_id: uint64(1, 'The AccessRegistry grant id (from 1).'),
  auditor: address('The account that requested access (the auditor).'),
  auditor_key: hex32("The auditor's X25519 public key releases are wrapped to."),
  from_epoch: uint64(1, 'First vault epoch of the requested range.'),
  to_epoch: uint64(1, 'Last vault epoch of the requested range (inclusive).'),
  duration: uint64(1, 'Seconds the grant stays live once approved.'),
  custodian: address('The custodian that approved or released.'),
  approvals: whole(1, MTL_LIMITS.custodians, 'Approvals of the grant after this one.'),
  approved_at: uint64(0, 'Unix seconds (block time) the grant became live.'),
  expires_at: uint64(
    0,
    'Unix seconds after which the contract releases nothing more under the grant.',
  ),
  epoch: uint64(1, 'The vault epoch whose share was released.'),
  share_index: whole(
    0,
    MTL_LIMITS.custodians - 1,
    "The custodian's share index in the declaration (from 0).",
  ),
  wrapped_share_hash: hex32(
    'SHA-256 of the released share as posted (HPKE enc and ciphertext, wrapped to the auditor key): the log holds its hash, never the share.',
  ),
  custody_version: whole(1, 65_535, 'Version of the custodian declaration (from 1).'),
  threshold: whole(1, MTL_LIMITS.custodians, 'Custodians needed to rebuild an epoch key (k).'),
  custodians: {
    type: 'array',
    maxItems: MTL_LIMITS.custodians,
    uniqueItems: true,
    items: { type: 'string', pattern: ADDRESS_PATTERN },
    description: `The custodians' accounts in share order (at most ${MTL_LIMITS.custodians}).`,
  },
  custodian_keys: {
    type: 'array',
    maxItems: MTL_LIMITS.custodians,
    items: { type: 'string', pattern: HEX32_PATTERN },
    description: "The custodians' X25519 public keys, in the same order.",
  },
}

const byEvent = (event: (typeof ACCESS_EVENTS)[number]): JsonSchema => {
  const own = ACCESS_EVENT_FIELDS[event]
  return {
    if: { required: ['event'], properties: { event: { const: event } } },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword, not a thenable.
    then: {
      description: `the members of a ${event} event`,
      required: own,
      properties: Object.fromEntries(own.map((name) => [name, FIELDS[name] as JsonSchema])),
      propertyNames: { enum: [...CHAIN_FIELDS, ...own] },
    },
  }
}

/**
 * The `access` member of an access MTL: the AccessRegistry event it records. Exactly the members
 * of its event ({@link ACCESS_EVENT_FIELDS}) besides the chain coordinates. Addresses in lower
 * case (one spelling: the leaf hash commits to bytes).
 */
export const accessDetailSchema: JsonSchema = {
  title: 'Access event',
  description:
    'The AccessRegistry event an access MTL records, with where it is on chain: chain id, contract, transaction hash, block number and log index identify exactly one event log.',
  type: 'object',
  required: CHAIN_FIELDS,
  properties: FIELDS,
  additionalProperties: false,
  allOf: ACCESS_EVENTS.map(byEvent),
}

/**
 * Pseudonym an access record carries as `subject`: all zeros, no data subject. An access event
 * concerns a log, not a person; a keyed hash never comes out as zeros.
 */
export const ACCESS_SUBJECT = `psn:${'0'.repeat(64)}` as const

/**
 * The record schema of kind `access` (see {@link accessDetailSchema}), given the fields every MTL
 * has. State 1, trigger MANUAL (a person acted on chain: an operator, an auditor, a custodian),
 * no output, no data subject.
 */
export function accessMtlSchema({
  commonProperties,
  commonRequired,
}: {
  commonProperties: (kind: JsonSchema, state: JsonSchema) => Record<string, JsonSchema>
  commonRequired: readonly string[]
}): JsonSchema {
  return {
    title: 'Access MTL',
    description:
      "An AccessRegistry event of this log copied into the log: custodians declared, an auditor's request, a custodian's approval, a grant becoming live, a share released. input_hash is SHA-256 of the RFC 8785 form of the access member; the event itself is on chain at the coordinates it names.",
    type: 'object',
    required: [...commonRequired, 'access'],
    properties: {
      ...commonProperties(
        { const: 'access', description: 'access: an auditor access (EKR) event on chain.' },
        { const: 1, description: 'Always 1: the event happened on chain.' },
      ),
      trigger_type: {
        const: 'MANUAL',
        description: 'Always MANUAL: an operator, an auditor or a custodian acted.',
      },
      output_hash: { const: null, description: 'Always null: access releases no output.' },
      subject: {
        const: ACCESS_SUBJECT,
        description: 'Always psn: and 64 zeros: an access event concerns no data subject.',
      },
      access: { $ref: '#/$defs/accessDetail' },
    },
    additionalProperties: false,
  }
}
