import { type Hex, type Mtl, type ProofVerdict, type VerifierChain, verifyProof } from '@tml/core'
import type { Address, PublicClient } from 'viem'
import { openWithGrant } from '../vault/openWithGrant.ts'
import { type LiveGrant, requireLiveGrant } from '../vault/requireLiveGrant.ts'
import type { VaultRecord } from '../vault/sealEvidence.ts'
import { fetchSealedRecord } from '../vault/vaultHttp.ts'
import { policyFromArchive } from './policyFromArchive.ts'
import { ReplayError } from './ReplayError.ts'
import { type ReplayResult, replayRecord } from './replayRecord.ts'

/** Parameters of {@link replayTrace}. */
export type ReplayTraceParameters = {
  gatewayUrl: string
  traceId: string
  /** The chain of the AccessRegistry that holds the grant and the custodians' releases. */
  access: { publicClient: PublicClient; accessRegistry: Address; fromBlock?: bigint }
  grantId: bigint
  /** The auditor's X25519 private key (the grant's auditor key is its public half). */
  auditorKey: Hex
  /** The chains and pinned CheckpointRegistries the proof is verified against (`verifyProof`). */
  chains: readonly VerifierChain[]
  /** Called as each stage starts (the web page says what it is doing). */
  onStage?: (stage: ReplayStage) => void
}

/** The stages of a replay, in order. */
export type ReplayStage = 'grant' | 'proof' | 'record' | 'policy' | 'replay'

/**
 * What {@link replayTrace} returns: the replay, the verdict on the MTL's anchoring, and what it
 * checked on the way (the anchored MTL, the opened record, the live grant) for a caller to show.
 */
export type ReplayTraceReturnType = {
  result: ReplayResult
  verdict: ProofVerdict
  mtl: Mtl
  /** The decrypted case: the sealed record, opened under the grant. */
  record: VaultRecord
  grant: LiveGrant
}

/**
 * Forensic replay of one trace, end to end, each input checked before it is used:
 * 0. the grant must be live now (`requireLiveGrant`: k approvals, not expired, this auditor's
 *    key): a released epoch key would keep opening records after expiry, a replay does not;
 * 1. the MTL comes from the trace's proof bundle (`GET /v1/traces/{id}/proof`), verified by the
 *    shared verifier (`verifyProof`): its leaf is in a checkpoint signed by the log's keys and
 *    anchored on the pinned registries;
 * 2. the sealed record (`GET /v1/vault/records/{id}`) is opened under the grant with the
 *    custodians' releases (`openWithGrant`), after its SHA-256 is checked against the MTL's
 *    `evidence_seal`;
 * 3. the policy (`GET /v1/policies/{policy_hash}`) must hash to `policy_hash`;
 * 4. {@link replayRecord} checks the evidence against `input_hash`, re-runs the engine and
 *    compares.
 * @throws {VaultError} `TML_VAULT_SHARES` / `TML_VAULT_KEY` when the grant is not live or not
 *   this auditor's (see `requireLiveGrant`).
 * @throws {ReplayError} `TML_REPLAY_NOT_ANCHORED`, `TML_REPLAY_POLICY`, `TML_REPLAY_INPUT_HASH`,
 *   `TML_REPLAY_RECORD`; {@link VaultError} from opening the record (`TML_VAULT_SEAL`: the
 *   envelope is not the anchored one; `TML_VAULT_SHARES`, `TML_VAULT_KEY`: no access).
 *
 * @example
 * const { result } = await replayTrace({ gatewayUrl, traceId, access: { publicClient, accessRegistry }, grantId: 1n, auditorKey, chains })
 */
export async function replayTrace(p: ReplayTraceParameters): Promise<ReplayTraceReturnType> {
  p.onStage?.('grant')
  const grant = await requireLiveGrant({
    publicClient: p.access.publicClient,
    accessRegistry: p.access.accessRegistry,
    grantId: p.grantId,
    auditorKey: p.auditorKey,
  })
  p.onStage?.('proof')
  const bundle = await getJson(
    new URL(`/v1/traces/${encodeURIComponent(p.traceId)}/proof`, p.gatewayUrl),
    `the proof bundle of ${p.traceId}`,
  )
  const verdict = await verifyProof({ bundle, chains: p.chains })
  if (!verdict.valid || verdict.anchoredOn.length === 0) {
    const failed = verdict.steps.filter((s) => !s.ok).map((s) => `${s.id} (${s.reason})`)
    throw new ReplayError(
      `the MTL of ${p.traceId} is not proven anchored: ${failed.length > 0 ? `failing steps ${failed.join(', ')}` : 'no pinned chain confirms its checkpoint'}`,
      { code: 'TML_REPLAY_NOT_ANCHORED' },
    )
  }
  const mtl = (bundle as { mtl: Mtl }).mtl
  if (mtl.kind !== 'decision' && mtl.kind !== 'resolution')
    throw new ReplayError(
      `trace ${p.traceId} is an MTL of kind ${mtl.kind}: only decisions (and resolutions) are replayed`,
      { code: 'TML_REPLAY_RECORD' },
    )
  p.onStage?.('record')
  const sealed = await fetchSealedRecord({ gatewayUrl: p.gatewayUrl, traceId: p.traceId })
  const record = await openWithGrant({
    publicClient: p.access.publicClient,
    accessRegistry: p.access.accessRegistry,
    grantId: p.grantId,
    auditorKey: p.auditorKey,
    sealed,
    mtl,
    ...(p.access.fromBlock === undefined ? {} : { fromBlock: p.access.fromBlock }),
  })
  p.onStage?.('policy')
  const policyUrl = new URL(`/v1/policies/${mtl.policy_hash}`, p.gatewayUrl)
  let policyText: string
  try {
    const response = await fetch(policyUrl)
    if (response.status !== 200)
      throw new Error(`answered ${response.status} (${(await response.text()).slice(0, 200)})`)
    policyText = await response.text()
  } catch (e) {
    throw new ReplayError(`the policy ${mtl.policy_hash}: ${policyUrl} ${(e as Error).message}`, {
      code: 'TML_REPLAY_POLICY',
      cause: e,
    })
  }
  const policy = policyFromArchive({ text: policyText, policyHash: mtl.policy_hash })
  p.onStage?.('replay')
  return { result: replayRecord({ mtl, record, policy }), verdict, mtl, record, grant }
}

async function getJson(url: URL, what: string): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } })
  } catch (e) {
    throw new ReplayError(`${what}: the gateway at ${url.origin} does not answer`, {
      code: 'TML_REPLAY_NOT_ANCHORED',
      cause: e,
    })
  }
  if (response.status !== 200)
    throw new ReplayError(
      `${what} is not available (${response.status}: ${(await response.text()).slice(0, 200)}): not anchored yet, or no such trace`,
      { code: 'TML_REPLAY_NOT_ANCHORED' },
    )
  return response.json()
}
