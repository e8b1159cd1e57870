import { parseArgs } from 'node:util'
import { BaseError, type VerifierChain } from '@tml/core'
import { createPublicClient, http } from 'viem'
import { ReplayError } from '../replay/ReplayError.ts'
import type { ReplayResult } from '../replay/replayRecord.ts'
import { replayTrace } from '../replay/replayTrace.ts'
import { VaultError } from '../vault/VaultError.ts'
import { AccessCommandError, accessChain, readX25519Key, wholeNumber } from './accessChain.ts'
import { DEFAULT_GATEWAY_URL } from './auditCommand.ts'
import type { CliIo } from './io.ts'
import { parsePairs } from './parsePairs.ts'
import { pinnedRegistries } from './readDeploymentRegistries.ts'

export const REPLAY_HELP = `Usage: tml replay TRACE_ID --grant ID --auditor-key FILE [--api URL] [--rpc URL]
                  [--access-registry ADDR] [--deployments DIR] [--registry CHAINID=ADDR ...]
                  [--anchor-rpc CHAINID=URL ...] [--json]

Forensic replay of one decision under a live auditor grant (see "tml audit-access"):
  0. checks on chain that the grant is live now (k approvals, not expired, this auditor's key);
  1. fetches the trace's proof bundle and verifies it with the shared verifier (the same as
     "tml verify"): the MTL is in a checkpoint anchored on the pinned CheckpointRegistries;
  2. fetches the sealed record, checks its SHA-256 against the MTL's evidence_seal, and opens it
     with the epoch key rebuilt from the custodians' releases to the grant;
  3. checks the sealed evidence against the MTL's input_hash;
  4. fetches the policy by its policy_hash from the gateway's archive and checks its hash;
  5. re-runs the decision engine on the sealed request and compares state, trigger, metrics,
     causal graph (thresholds and comparisons included) and escalation target with the MTL,
     and the engine's scores with the sealed ones, field by field.
What only the record states (its time, the gateway's anchoring health, an exhausted pause
budget, notes) is taken from it and listed. A resolution's sealed rationale is checked against
its rationale_hash; replay the pause it closes by that pause's trace id.

Exit status: 0 identical; 1 the replay differs (each difference is printed with its JSON path:
the engine is deterministic, so a difference is a finding); 2 the replay could not be carried
out: a check failed (not anchored, the sealed record is not the anchored one, the evidence or the
policy does not hash to the MTL's hash; the error names it), no live grant, or a usage error.

Options:
  --grant ID                The grant (tml audit-access request); its epochs must cover the record's.
  --auditor-key FILE        The auditor's X25519 private key (64 hex digits), the grant's.
  --api URL                 The gateway (default ${DEFAULT_GATEWAY_URL}; or TML_GATEWAY_URL).
  --rpc URL                 JSON-RPC of the chain the AccessRegistry is on (TML_RPC_URL); also
                            used to verify the anchoring there.
  --access-registry ADDR    The AccessRegistry's address (TML_ACCESS_REGISTRY). Default: the one
                            the deployment file of the RPC's chain names, in --deployments.
  --deployments DIR         Deployment files (default ./deployments; TML_DEPLOYMENTS_DIR): the
                            CheckpointRegistries trusted for the anchoring, and the AccessRegistry.
  --registry CHAINID=ADDR   Trust this CheckpointRegistry on that chain (repeatable; wins over
                            --deployments for its chain; without --deployments, only these).
  --anchor-rpc CHAINID=URL  JSON-RPC of another chain the log anchors on (repeatable).
  --json                    Print the result as JSON on stdout.
  -h, --help                Show this help.
`

/**
 * \`tml replay TRACE_ID\`: forensic replay of a decision under a live grant (see `replayTrace`),
 * printed as a report or JSON; exit 0 identical, 1 different, 2 not carried out.
 *
 * @example
 * process.exitCode = await replayCommand({ argv: [traceId, '--grant', '1', '--auditor-key', 'auditor.key', '--api', url, '--rpc', rpc, '--deployments', 'deployments'], io: processIo })
 */
export async function replayCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        grant: { type: 'string' },
        'auditor-key': { type: 'string' },
        api: { type: 'string' },
        rpc: { type: 'string' },
        'access-registry': { type: 'string' },
        deployments: { type: 'string' },
        registry: { type: 'string', multiple: true },
        'anchor-rpc': { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
    })
    if (values.help) {
      io.out(REPLAY_HELP)
      return 0
    }
    const traceId = positionals[0]
    if (traceId === undefined || positionals.length !== 1)
      throw new AccessCommandError(`give one TRACE_ID\n\n${REPLAY_HELP}`)
    const grantId = wholeNumber(values.grant, '--grant')
    const auditorKey = readX25519Key(values['auditor-key'], '--auditor-key')
    const gatewayUrl = values.api ?? io.env.TML_GATEWAY_URL ?? DEFAULT_GATEWAY_URL
    if (!/^https?:\/\//.test(gatewayUrl))
      throw new AccessCommandError(`--api must be an http(s) URL, got "${gatewayUrl}"`)
    // The deployment files are read by default unless --registry alone names what to trust.
    const deployments =
      values.deployments ??
      io.env.TML_DEPLOYMENTS_DIR ??
      (values.registry === undefined ? './deployments' : undefined)
    let registries: ReturnType<typeof pinnedRegistries>
    let anchorRpc: Map<number, string>
    try {
      registries = pinnedRegistries({ deployments, registry: values.registry })
      anchorRpc = parsePairs(values['anchor-rpc'], '--anchor-rpc')
    } catch (e) {
      throw new AccessCommandError((e as Error).message)
    }
    // A bundle names registries of its own; a replay trusts only the ones pinned here.
    if (registries.size === 0)
      throw new AccessCommandError(
        'no CheckpointRegistry to trust: give --deployments DIR or --registry CHAINID=ADDR',
      )
    const { client, chain, accessRegistry, rpc, fromBlock } = await accessChain({
      rpc: values.rpc ?? io.env.TML_RPC_URL,
      registry: values['access-registry'] ?? io.env.TML_ACCESS_REGISTRY,
      deployments,
    })
    if (!anchorRpc.has(chain.id)) anchorRpc.set(chain.id, rpc)
    const chains: VerifierChain[] = [...anchorRpc]
      .filter(([chainId]) => registries.has(chainId))
      .map(([chainId, url]) => ({
        chainId,
        client: createPublicClient({ transport: http(url, { retryCount: 1 }) }),
        checkpointRegistry: registries.get(chainId)?.registry,
        fromBlock: registries.get(chainId)?.fromBlock,
      }))
    if (chains.length === 0)
      throw new AccessCommandError(
        `no chain to verify the anchoring on: the registries pinned (chains ${[...registries.keys()].join(', ')}) have no RPC (--rpc, --anchor-rpc)`,
      )
    const { result, verdict } = await replayTrace({
      gatewayUrl,
      traceId,
      access: { publicClient: client, accessRegistry, fromBlock },
      grantId,
      auditorKey,
      chains,
    })
    const anchoredOn = verdict.anchoredOn.map((a) => ({
      chain_id: a.chainId,
      registry: a.registry,
      block: a.blockNumber === undefined ? null : Number(a.blockNumber),
      tx: a.txHash ?? null,
    }))
    if (values.json) io.out(`${JSON.stringify({ ...result, anchored_on: anchoredOn }, null, 2)}\n`)
    else io.out(describeReplay(result, anchoredOn))
    return result.identical ? 0 : 1
  } catch (e) {
    return reportReplayError(io, e)
  }
}

/**
 * The replay as a report: the checks passed, what was taken from the record, and identical or
 * each difference with its path.
 *
 * @example io.out(describeReplay(result, [{ chain_id: 31337, block: 12 }]))
 */
export function describeReplay(
  result: ReplayResult,
  anchoredOn: readonly { chain_id: number; block: number | null }[],
): string {
  const lines = [`replay of trace ${result.trace_id} (seq ${result.seq}, ${result.kind})`]
  const where = anchoredOn.map(
    (a) => `chain ${a.chain_id}${a.block === null ? '' : ` block ${a.block}`}`,
  )
  lines.push(`  ok   anchored: the MTL's leaf is in a checkpoint anchored on ${where.join(', ')}`)
  lines.push("  ok   sealed record: its SHA-256 is the MTL's evidence_seal; opened under the grant")
  if (result.kind === 'decision') {
    lines.push("  ok   evidence: its SHA-256 is the MTL's input_hash")
    lines.push('  ok   policy: the archived text hashes to policy_hash')
  }
  for (const t of result.taken_from_record) lines.push(`  from the record: ${t}`)
  for (const n of result.notes) lines.push(`  note: ${n}`)
  if (result.identical) {
    const r = result.replayed
    lines.push(
      r === null
        ? 'IDENTICAL: the sealed rationale is the one the resolution hashed'
        : `IDENTICAL: state ${r.state}, trigger ${r.trigger_type}, causal graph of ${r.causal_graph.length} nodes, ${Object.keys(r.metrics).length} metrics`,
    )
  } else {
    lines.push(
      `DIFFERENT: ${result.differences.length} difference(s) between the record and its replay`,
    )
    for (const d of result.differences)
      lines.push(`  ${d.path}: recorded ${show(d.recorded)}, replayed ${show(d.replayed)}`)
  }
  return `${lines.join('\n')}\n`
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value)
}

function reportReplayError(io: CliIo, e: unknown): number {
  if (e instanceof ReplayError || e instanceof VaultError || e instanceof AccessCommandError) {
    const what = e instanceof AccessCommandError ? '' : ` [${e.code}]`
    io.err(`tml replay: ${e.shortMessage}${what}\n`)
    return 2
  }
  if (e instanceof BaseError || e instanceof Error) {
    const text = (e as { shortMessage?: string }).shortMessage ?? e.message
    io.err(`tml replay: not carried out: ${text.split('\n').slice(0, 3).join(' ')}\n`)
    return 2
  }
  throw e
}
