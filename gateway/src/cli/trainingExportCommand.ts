import { parseArgs } from 'node:util'
import { ARBITER_KINDS, type Hex, validateMtl } from '@tml/core'
import type { Address, PublicClient } from 'viem'
import { apiGetter } from '../audit/readApiLog.ts'
import { type ResolvedPause, ResolvedPauseIndex } from '../export/ResolvedPauseIndex.ts'
import { type TrainingExample, trainingExample } from '../export/trainingExample.ts'
import { writeFileAtomic } from '../tiles/writeFileAtomic.ts'
import { openWithGrant } from '../vault/openWithGrant.ts'
import { type LiveGrant, requireLiveGrant } from '../vault/requireLiveGrant.ts'
import type { VaultRecord } from '../vault/sealEvidence.ts'
import { VaultError } from '../vault/VaultError.ts'
import type { SealedEntry } from '../vault/VaultStore.ts'
import { fetchSealedRecord } from '../vault/vaultHttp.ts'
import { AccessCommandError, accessChain, readX25519Key, wholeNumber } from './accessChain.ts'
import { DEFAULT_GATEWAY_URL } from './auditCommand.ts'
import { reportAccessError } from './custodianCommand.ts'
import type { CliIo } from './io.ts'

export const TRAINING_EXPORT_HELP = `Usage: tml export --training --grant ID --auditor-key FILE --out FILE.jsonl
         [--api URL] [--api-key KEY] [--rpc URL] [--access-registry ADDR | --deployments DIR]
         [--arbiters LIST] [--metadata] [--quiet]

Student mode: writes the log's resolved pauses as JSONL in the chat fine-tuning format (one
{"messages": [system, user, assistant]} per line, as OpenAI's fine-tuning API and most
fine-tuning tools take it; docs/formats.md, "Training export"): the user message is the case
(the pseudonymized request, the held output, the state, trigger and scores the gateway
proposed), the assistant message the human decision (1 proceed, -1 refuse) and its rationale.

Only under a live grant of the AccessRegistry (approved by its k custodians, not expired, this
auditor's key), checked before and again just before the file is written; only pauses whose
pause and resolution records lie in the grant's vault epochs and were released. Pauses of
erased subjects are never written, nor are the raw personal values the vault seals under the
subject's key. Skipped pauses are counted by reason on stderr. The file appears whole or not
at all.

Options:
  --grant ID              The grant (tml audit-access request).
  --auditor-key FILE      The auditor's X25519 private key (64 hex digits), the grant's.
  --out FILE              Where to write (replaced).
  --api URL               The gateway (default ${DEFAULT_GATEWAY_URL}; or TML_GATEWAY_URL).
  --api-key KEY           An API key of that gateway, to read the log's entries (TML_API_KEY).
  --rpc URL               JSON-RPC of the chain the AccessRegistry is on (TML_RPC_URL).
  --access-registry ADDR  The AccessRegistry's address (TML_ACCESS_REGISTRY). Default: the one
                          the deployment file of the RPC's chain names, in --deployments.
  --deployments DIR       Deployment files (default ./deployments; TML_DEPLOYMENTS_DIR).
  --arbiters LIST         Which resolutions count, comma-separated among ${ARBITER_KINDS.join(', ')},
                          or "all" (default reviewer,verification: a reviewer's or a verifier's
                          judgment; a timeout or an exhausted budget judged nothing).
  --metadata              Add "metadata" (log, pause and resolution trace ids and seqs, arbiter
                          kind) to each line; OpenAI's per-line schema has no such member.
  --quiet                 No progress lines on stderr.
  -h, --help              Show this help.
`

/** Why a resolved pause was left out of the training file. */
export type TrainingSkipReason =
  /** Its resolution's arbiter kind is not among `--arbiters`. */
  | 'arbiter'
  /** An erasure record names the pause's (or the resolution's) subject. */
  | 'erased'
  /** The pause or the resolution has no sealed record (vault off when it was written). */
  | 'not-sealed'
  /** A record lies in a vault epoch outside the grant's range. */
  | 'outside-grant'
  /** In range, but fewer than k custodians released that epoch to this grant. */
  | 'not-released'

/** Entries asked for at once (the gateway's page limit). */
const PAGE = 1000

/**
 * `tml export --training`: resolved pauses as chat fine-tuning JSONL, under a live grant.
 *
 * @example
 * process.exitCode = await trainingExportCommand({ argv: ['--grant', '1', '--auditor-key', 'auditor.key', '--out', 'cases.jsonl'], io })
 */
export async function trainingExportCommand({
  argv,
  io,
}: {
  argv: string[]
  io: CliIo
}): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        training: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        grant: { type: 'string' },
        'auditor-key': { type: 'string' },
        out: { type: 'string' },
        api: { type: 'string' },
        'api-key': { type: 'string' },
        rpc: { type: 'string' },
        'access-registry': { type: 'string' },
        deployments: { type: 'string' },
        arbiters: { type: 'string' },
        metadata: { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    })
    if (values.help) {
      io.out(TRAINING_EXPORT_HELP)
      return 0
    }
    if (values.grant === undefined)
      throw new AccessCommandError(
        'give --grant ID: training data leaves the vault only under a live grant (tml audit-access request)',
      )
    const grantId = wholeNumber(values.grant, '--grant')
    const auditorKey = readX25519Key(values['auditor-key'], '--auditor-key')
    const out = values.out
    if (!out) throw new AccessCommandError('give --out FILE.jsonl')
    const arbiters = parseArbiters(values.arbiters)
    const gatewayUrl = values.api ?? io.env.TML_GATEWAY_URL ?? DEFAULT_GATEWAY_URL
    const apiKey = values['api-key'] ?? io.env.TML_API_KEY
    if (!apiKey)
      throw new AccessCommandError(
        "give --api-key KEY (or TML_API_KEY): the log's entries are read from the gateway's API",
      )
    const { client, accessRegistry, fromBlock } = await accessChain({
      rpc: values.rpc ?? io.env.TML_RPC_URL,
      registry: values['access-registry'] ?? io.env.TML_ACCESS_REGISTRY,
      deployments: values.deployments ?? io.env.TML_DEPLOYMENTS_DIR ?? './deployments',
    })
    const progress = (text: string) => {
      if (!values.quiet) io.err(`tml export --training: ${text}\n`)
    }
    const live = () =>
      requireLiveGrant({ publicClient: client, accessRegistry, grantId, auditorKey })
    const grant = await live()
    progress(
      `grant ${grantId} is live until ${new Date(Number(grant.expiresAt) * 1000).toISOString()}, vault epochs ${grant.fromEpoch}–${grant.toEpoch} of log ${grant.logId}`,
    )

    const index = new ResolvedPauseIndex()
    const get = apiGetter(gatewayUrl, apiKey)
    let read = await readEntries({ get, logId: grant.logId, from: 0, index })
    progress(
      `read ${read} entries: ${index.resolved().length} resolved pauses, ${index.openCount} still open`,
    )

    const skipped = new Map<TrainingSkipReason, number>()
    const skip = (reason: TrainingSkipReason) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1)
    const kept: { pair: ResolvedPause; example: TrainingExample; rationale: boolean }[] = []
    for (const pair of index.resolved()) {
      const reason = await exportable({ pair, index, arbiters, grant, gatewayUrl })
      if (typeof reason === 'string') {
        skip(reason)
        continue
      }
      const opened = await openPair({
        pair,
        sealed: reason,
        client,
        accessRegistry,
        fromBlock,
        grantId,
        auditorKey,
      })
      if (opened === 'not-released') {
        skip(opened)
        continue
      }
      kept.push({
        pair,
        example: trainingExample({ ...pair, ...opened, metadata: values.metadata === true }),
        rationale: opened.resolutionRecord.rationale !== null,
      })
    }

    // An erasure appended while the records were being opened still wins: read the log's new
    // entries, drop what they erase, and only then write.
    read += await readEntries({ get, logId: grant.logId, from: read, index })
    const lines: string[] = []
    let withoutRationale = 0
    for (const { pair, example, rationale } of kept) {
      if (index.isErased(pair.pause.subject) || index.isErased(pair.resolution.subject)) {
        skip('erased')
        continue
      }
      lines.push(`${JSON.stringify(example)}\n`)
      if (!rationale) withoutRationale++
    }
    // Still live when the file is written: a grant that expired meanwhile writes nothing.
    await live()
    await writeFileAtomic(out, new TextEncoder().encode(lines.join('')))

    const skippedText = [...skipped].map(([r, n]) => `${r} ${n}`).join(', ')
    io.err(
      `tml export --training: ${lines.length} examples written, ${[...skipped.values()].reduce((a, b) => a + b, 0)} resolved pauses skipped${skippedText ? ` (${skippedText})` : ''}${withoutRationale ? `; ${withoutRationale} without a sealed rationale` : ''}\n`,
    )
    io.out(`wrote ${lines.length} training examples to ${out}\n`)
    return 0
  } catch (e) {
    return reportAccessError(io, 'tml export --training', e)
  }
}

/** `--arbiters`: a comma-separated subset of the arbiter kinds, or "all". */
function parseArbiters(value: string | undefined): ReadonlySet<string> {
  if (value === undefined) return new Set(['reviewer', 'verification'])
  if (value === 'all') return new Set(ARBITER_KINDS)
  const kinds = value.split(',').map((k) => k.trim())
  for (const k of kinds)
    if (!(ARBITER_KINDS as readonly string[]).includes(k))
      throw new AccessCommandError(
        `--arbiters: "${k}" is no arbiter kind (${ARBITER_KINDS.join(', ')}, or all)`,
      )
  return new Set(kinds)
}

/**
 * Reads the log's entries from `from` to the end into `index`; returns how many it read. Every
 * MTL is checked against `mtl/1` first: the gateway's answers are not trusted to be well-formed.
 */
async function readEntries({
  get,
  logId,
  from,
  index,
}: {
  get: (path: string) => Promise<unknown>
  logId: Hex
  from: number
  index: ResolvedPauseIndex
}): Promise<number> {
  let next = from
  for (;;) {
    const page = (await get(`/v1/logs/${logId}/entries?start=${next}&end=${next + PAGE}`)) as {
      entries?: unknown
    }
    if (!Array.isArray(page.entries)) throw new Error('entries: not a list')
    for (const entry of page.entries as { seq?: unknown; mtl?: unknown }[]) {
      if (entry?.seq !== next)
        throw new Error(`entries: expected seq ${next}, got ${String(entry?.seq)}`)
      const checked = validateMtl(entry.mtl)
      if (!checked.valid)
        throw new Error(
          `entry ${next} is not a valid mtl/1 record: ${checked.issues[0]?.path} ${checked.issues[0]?.message}`,
        )
      if (checked.mtl.log_id.toLowerCase() !== logId.toLowerCase())
        throw new Error(`entry ${next} belongs to log ${checked.mtl.log_id}, not ${logId}`)
      index.add(checked.mtl)
      next++
    }
    if (page.entries.length < PAGE) return next - from
  }
}

/**
 * Whether a resolved pause may go into the file, judged on what is public (the log, the sealed
 * envelopes' epochs): a skip reason, or both sealed records to open.
 */
async function exportable({
  pair,
  index,
  arbiters,
  grant,
  gatewayUrl,
}: {
  pair: ResolvedPause
  index: ResolvedPauseIndex
  arbiters: ReadonlySet<string>
  grant: LiveGrant
  gatewayUrl: string
}): Promise<TrainingSkipReason | { pause: SealedEntry; resolution: SealedEntry }> {
  const { pause, resolution } = pair
  if (!arbiters.has(resolution.resolution.arbiter.kind)) return 'arbiter'
  if (index.isErased(pause.subject) || index.isErased(resolution.subject)) return 'erased'
  if (pause.evidence_seal === undefined || resolution.evidence_seal === undefined)
    return 'not-sealed'
  const [pauseSealed, resolutionSealed] = await Promise.all([
    fetchSealedRecord({ gatewayUrl, traceId: pause.trace_id }),
    fetchSealedRecord({ gatewayUrl, traceId: resolution.trace_id }),
  ])
  for (const sealed of [pauseSealed, resolutionSealed]) {
    const epoch = BigInt(sealed.epoch)
    if (epoch < grant.fromEpoch || epoch > grant.toEpoch) return 'outside-grant'
  }
  return { pause: pauseSealed, resolution: resolutionSealed }
}

/** Opens both records under the grant; 'not-released' when an epoch lacks k releases. */
async function openPair(p: {
  pair: ResolvedPause
  sealed: { pause: SealedEntry; resolution: SealedEntry }
  client: PublicClient
  accessRegistry: Address
  /** The AccessRegistry's deployment block: where the search for releases starts. */
  fromBlock: bigint
  grantId: bigint
  auditorKey: Hex
}): Promise<'not-released' | { pauseRecord: VaultRecord; resolutionRecord: VaultRecord }> {
  const open = (mtl: ResolvedPause['pause' | 'resolution'], sealed: SealedEntry) =>
    openWithGrant({
      publicClient: p.client,
      accessRegistry: p.accessRegistry,
      grantId: p.grantId,
      auditorKey: p.auditorKey,
      sealed,
      mtl,
      fromBlock: p.fromBlock,
    })
  try {
    return {
      pauseRecord: await open(p.pair.pause, p.sealed.pause),
      resolutionRecord: await open(p.pair.resolution, p.sealed.resolution),
    }
  } catch (e) {
    // In range but not (yet) released by k custodians: the epoch stays sealed to this auditor.
    // Any other failure (an envelope that is not the anchored one, above all) stops the export.
    if (e instanceof VaultError && e.code === 'TML_VAULT_SHARES') return 'not-released'
    throw e
  }
}
