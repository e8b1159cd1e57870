import {
  ACCESS_SUBJECT,
  accessTraceId,
  bytesToHex,
  canonicalBytes,
  type Hex,
  type MtlAccess,
  type MtlAccessDetail,
  type Sha256,
} from '@tml/core'
import { GATEWAY_MODEL } from '../memory/buildErasureMtl.ts'

/** An access MTL before the log places it. */
export type AccessMtlDraft = Omit<MtlAccess, 'v' | 'log_id' | 'seq'>

/** One line on what happened, for `trigger_detail` (no personal data: accounts and numbers). */
function describeAccess(a: MtlAccessDetail): string {
  switch (a.event) {
    case 'CustodiansDeclared':
      return `custodians declared (version ${a.custody_version}): ${a.threshold} of ${a.custodians?.length ?? 0}`
    case 'AccessRequested':
      return `grant ${a.grant_id} requested by ${a.auditor}: epochs ${a.from_epoch}-${a.to_epoch} for ${a.duration} s`
    case 'AccessApproved':
      return `grant ${a.grant_id} approved by custodian ${a.custodian} (${a.approvals} approvals)`
    case 'AccessGranted':
      return `grant ${a.grant_id} live from ${a.approved_at} until ${a.expires_at} (Unix seconds)`
    case 'ShareReleased':
      return `grant ${a.grant_id}: custodian ${a.custodian} released share ${a.share_index} of epoch ${a.epoch}`
  }
}

/**
 * The MTL draft that copies one AccessRegistry event of the log into the log (kind `access`):
 * its `trace_id` is derived from the event's chain coordinates ({@link accessTraceId}), so the
 * same event always gives the same record id, and its `input_hash` is SHA-256 of the RFC 8785
 * form of `detail`.
 *
 * Spec: `mtl/1` kind `access` (core's accessSchema.ts).
 *
 * @example
 * buildAccessMtl({ detail, timestamp: new Date().toISOString(), policyHash, hash: nodeSha256 })
 */
export function buildAccessMtl({
  detail,
  timestamp,
  policyHash,
  hash,
}: {
  detail: MtlAccessDetail
  timestamp: string
  /** Hash of the policy set in force (access belongs to no single profile). */
  policyHash: Hex
  hash: Sha256
}): AccessMtlDraft {
  return {
    trace_id: accessTraceId({
      chainId: detail.chain_id,
      contract: detail.contract,
      txHash: detail.tx_hash,
      logIndex: detail.log_index,
    }),
    timestamp,
    kind: 'access',
    state: 1,
    trigger_type: 'MANUAL',
    trigger_detail: describeAccess(detail),
    metrics: {},
    policy_hash: policyHash,
    model: GATEWAY_MODEL,
    input_hash: bytesToHex(hash(canonicalBytes(detail))),
    output_hash: null,
    subject: ACCESS_SUBJECT,
    causal_graph: [],
    access: detail,
  }
}
