import {
  bytesToHex,
  canonicalBytes,
  type Hex,
  type MtlErasure,
  type MtlModel,
  type Sha256,
} from '@tml/core'

/** An erasure MTL before the log places it. */
export type ErasureMtlDraft = Omit<MtlErasure, 'v' | 'log_id' | 'seq'>

/** The gateway itself as the "model" of an erasure record: no AI model takes part. */
export const GATEWAY_MODEL: MtlModel = {
  id: 'tml-gateway',
  version_hash: '0x0000000000000000000000000000000000000000000000000000000000000000',
}

/** Parameters of {@link buildErasureMtl}. */
export type BuildErasureMtlParameters = {
  traceId: string
  timestamp: string
  /** Pseudonym of the erased subject: the only link, and it dies with the secret. */
  subject: `psn:${string}`
  /** Hash of the policy set in force (erasure belongs to no single profile). */
  policyHash: Hex
  /** Who asked (the API caller's name), never the person's identity. */
  requestedBy: string
  /** The same caller's pseudonym (see `callerIdOf`), recorded as `caller` when given. */
  caller?: `clr:${string}`
  hash: Sha256
}

/**
 * The MTL draft that records the erasure of a subject (crypto-shredding of its secret), without
 * any personal data, so that the log proves the erasure happened without undoing it. Its
 * `input_hash` is SHA-256 of the RFC 8785 form of `{ "erase": <pseudonym> }`: the request as the
 * log may know it (the raw subject id never enters).
 *
 * Spec: `mtl/1` kind `erasure` (core's mtlSchema); GDPR Art. 17.
 *
 * @example
 * buildErasureMtl({ traceId, timestamp, subject: 'psn:…', policyHash, requestedBy: 'crm', hash: nodeSha256 })
 */
export function buildErasureMtl(p: BuildErasureMtlParameters): ErasureMtlDraft {
  return {
    trace_id: p.traceId,
    timestamp: p.timestamp,
    kind: 'erasure',
    state: 1,
    trigger_type: 'MANUAL',
    trigger_detail: `subject secret destroyed at the request of caller ${p.requestedBy}`,
    metrics: {},
    policy_hash: p.policyHash,
    model: GATEWAY_MODEL,
    input_hash: bytesToHex(p.hash(canonicalBytes({ erase: p.subject }))),
    output_hash: null,
    subject: p.subject,
    causal_graph: [],
    ...(p.caller === undefined ? {} : { caller: p.caller }),
  }
}
