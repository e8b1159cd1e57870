import type { VerifierChain } from '@tml/core'
import {
  type ReplayStage,
  type ReplayTraceReturnType,
  replayTrace,
} from '@tml/gateway/replay/replayTrace'
import { VaultError } from '@tml/gateway/vault/VaultError'
import type { Address, PublicClient } from 'viem'
import { AuditError } from './AuditError.ts'
import type { AuditorKey } from './auditorKey.ts'

/** Parameters of {@link replayInBrowser}. */
export type ReplayInBrowserParameters = {
  /** The gateway the MTL, its proof bundle, the sealed record and the policy come from. */
  gatewayUrl: string
  traceId: string
  grantId: bigint
  /** The auditor's key pair: the private half opens the releases, in this page only. */
  auditorKey: AuditorKey
  /** The chain of the AccessRegistry that holds the grant and the custodians' releases. */
  access: { client: PublicClient; accessRegistry: Address; fromBlock: bigint }
  /** The chains and pinned CheckpointRegistries of this page's configuration (`verifierChains`). */
  chains: readonly VerifierChain[]
  /** Called as each stage starts, for the page to say what it is doing. */
  onStage?: (stage: ReplayStage) => void
}

export type { ReplayStage }

/** What {@link replayInBrowser} found, with what it checked on the way (`tml replay`'s own). */
export type BrowserReplay = ReplayTraceReturnType

/**
 * Forensic replay of one trace in the browser: `replayTrace`, the very function `tml replay`
 * runs (the gateway's pure code and core's verifier), each input checked before it is used:
 * 1. the grant is read from the AccessRegistry: it must be live now (k approvals, not expired,
 *    judged at the latest block's time), and the auditor key's public half must be the grant's
 *    auditor key (a wrong key file is named as such before anything is fetched);
 * 2. the trace's proof bundle is verified (`verifyProof`) against this page's pinned registries:
 *    the MTL is in a checkpoint anchored on chain;
 * 3. the sealed record is opened with the epoch key rebuilt from the custodians' releases, after
 *    its SHA-256 is checked against the MTL's `evidence_seal`;
 * 4. the policy served for `policy_hash` must hash to it;
 * 5. the engine re-runs on the sealed request and is compared with the MTL field by field.
 * Nothing leaves the browser but reads: the private key is used here only.
 * @throws {AuditError} `TML_AUDIT_WRONG_KEY` when the key is not the grant's auditor key;
 *   {@link VaultError} `TML_VAULT_SHARES` when there is no such grant or it is not live (fewer
 *   than k approvals, expired), as `requireLiveGrant` words it;
 *   `ReplayError` and `VaultError` from the gateway's code, as `tml replay` reports them.
 *
 * @example
 * const { result, record } = await replayInBrowser({ gatewayUrl, traceId, grantId: 1n, auditorKey, access, chains: verifierChains(config) })
 */
export async function replayInBrowser(p: ReplayInBrowserParameters): Promise<BrowserReplay> {
  try {
    return await replayTrace({
      gatewayUrl: p.gatewayUrl,
      traceId: p.traceId,
      access: {
        publicClient: p.access.client,
        accessRegistry: p.access.accessRegistry,
        fromBlock: p.access.fromBlock,
      },
      grantId: p.grantId,
      auditorKey: p.auditorKey.privateKey,
      chains: p.chains,
      ...(p.onStage ? { onStage: p.onStage } : {}),
    })
  } catch (e) {
    // The page names the remedy a browser user has: load the other key file.
    if (e instanceof VaultError && e.code === 'TML_VAULT_KEY')
      throw new AuditError(
        `this is not grant ${p.grantId}'s auditor key: its public half is ${p.auditorKey.publicKey}. Load the key file the grant was requested with. (${e.message})`,
        { code: 'TML_AUDIT_WRONG_KEY', cause: e },
      )
    throw e
  }
}
