import { bytesToHex, type Hex, sha256, utf8ToBytes } from '@tml/core'
import type { DecisionRequest, Signals } from '../engine/types.ts'
import type { VaultRecord } from '../vault/sealEvidence.ts'
import { ReplayError } from './ReplayError.ts'

/** Parameters of {@link sealedEngineRequest}. */
export type SealedEngineRequestParameters = {
  /** The opened sealed record (see `openWithGrant`). */
  record: VaultRecord
  /** The anchored MTL it was sealed with. */
  mtl: { trace_id: string; input_hash: Hex }
  /** The profile of the policy the decision ran under (`Policy.profile`). */
  profile: string
}

/**
 * The engine's request rebuilt from a sealed record, the way `DecisionService` builds it from a
 * request: `input`, `context` and `signals` from the sealed evidence (the RFC 8785 text of
 * `{ context, input, signals }` whose SHA-256 must be the MTL's `input_hash`, checked here first),
 * and `output` from the sealed output when one was given. The gateway seals `context` as `{}`
 * when the request had none, which the engine reads the same way.
 *
 * What the engine read but the vault holds differently: the values of the policy's `pii_fields`
 * are sealed as their pseudonyms (the raw values are in the record's personal layer, under the
 * subject's key, which a grant does not release); see `personalFieldsRead`.
 * @throws {ReplayError} `TML_REPLAY_INPUT_HASH` when the record names another trace or its
 *   evidence does not hash to `input_hash`; `TML_REPLAY_RECORD` when it has no evidence.
 *
 * @example
 * const request = sealedEngineRequest({ record, mtl, profile: policy.profile })
 */
export function sealedEngineRequest({
  record,
  mtl,
  profile,
}: SealedEngineRequestParameters): DecisionRequest {
  if (record.trace_id !== mtl.trace_id)
    throw new ReplayError(
      `the sealed record is that of trace ${record.trace_id}, not of ${mtl.trace_id}`,
      { code: 'TML_REPLAY_INPUT_HASH' },
    )
  if (record.evidence === null)
    throw new ReplayError(`the sealed record of ${mtl.trace_id} holds no request evidence`, {
      code: 'TML_REPLAY_RECORD',
    })
  const actual = bytesToHex(sha256(utf8ToBytes(record.evidence)))
  if (actual !== mtl.input_hash.toLowerCase())
    throw new ReplayError(
      `the sealed evidence of ${mtl.trace_id} hashes to ${actual}, not to its MTL's input_hash ${mtl.input_hash}`,
      { code: 'TML_REPLAY_INPUT_HASH' },
    )
  const evidence = JSON.parse(record.evidence) as {
    input: unknown
    context: Record<string, unknown>
    signals: Signals
  }
  return {
    profile,
    input: evidence.input,
    ...(record.output === null ? {} : { output: JSON.parse(record.output) as unknown }),
    context: evidence.context,
    signals: evidence.signals,
  }
}
