import { createReadStream } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { type Hex, isHex } from '@tml/core'
import { type Address, isAddress } from 'viem'
import { type AuditReport, auditLog } from '../audit/auditLog.ts'
import { parseExportLine } from '../audit/exportFormat.ts'
import type { PausePolicy } from '../audit/PauseRules.ts'
import { type PinnedChain, PinnedChains } from '../audit/PinnedChains.ts'
import { apiGetter, readApiLog } from '../audit/readApiLog.ts'
import { exportBytes, readExportLines } from '../audit/readExportLines.ts'
import { loadPolicies } from '../policy/loadPolicies.ts'
import type { CliIo } from './io.ts'
import { readDeploymentRegistries } from './readDeploymentRegistries.ts'
import { parsePairs } from './verifyCommand.ts'

export const AUDIT_HELP = `Usage: tml audit --from FILE --rpc CHAINID=URL [...] --deployments DIR [options]
       tml audit --log LOGID --api-key KEY --rpc CHAINID=URL [...] --deployments DIR [options]

Checks a whole log against the chains. The entries come from a \`tml export\` file (--from:
offline, no API key) or from a gateway's API; what they are checked against comes from the
registries you pin, never from the log:
  - every MTL hashes to its leaf hash and to its receipt's, and receipts are signed by the log's
    receipt key (the key the log claims, checked against each key period's commitment
    keccak256(x ‖ y) on the chains): by default the signatures a finding can rest on (the
    earliest receipt before each checkpoint) and 1 in 100 of the others at random, since the
    operator could sign its own receipts again at will; --receipts all verifies every one;
  - seq runs 0, 1, 2… and epochs 1, 2, 3…, the tree never shrinks, and every checkpoint root is
    recomputed from the entries (one compact tree, streaming);
  - every checkpoint is signed by the key of the period covering its epoch (keysAt, read from
    every chain given: the chains must agree) and its EIP-712 struct hash is what each registry
    holds for the epoch (checkpointHashAt);
  - no chain holds an epoch beyond the last one the log serves (a withheld epoch);
  - every receipt's MTL is in a checkpoint signed within the log's maximum epoch interval (as
    the chains hold it);
  - every pause is resolved exactly once, later, naming the pause's leaf hash: by a reviewer's
    valid EIP-712 signature, logged before the deadline it signed and the pause's timeout, or by
    the timeout after it (timeouts and listed reviewers need the policy files: --policies).
Prints each problem; exits 0 when there is none, 1 otherwise, 2 on a usage error. Memory stays
bounded whatever the log's size; progress goes to stderr.

Options:
  --from FILE                 Audit a \`tml export\` file (no gateway, no API key).
  --api URL                   The gateway (default http://127.0.0.1:8787, the port of
                              \`tml gateway start\` and \`npm start\`; or TML_GATEWAY_URL).
  --api-key KEY               An API key of that gateway (or TML_API_KEY): it serves the log's
                              entries to its callers only. \`npm start\` writes one to
                              data/dev-api-key; a gateway's keys are in DATA/keys/api-keys
                              (caller:key per line) or TML_API_KEYS.
  --log LOGID                 The log id (bytes32); with --from, checked against the file.
  --rpc CHAINID=URL           A chain to read (repeatable; at least one).
  --deployments DIR           Trust the CheckpointRegistry of each deployments/<network>.json.
  --registry CHAINID=ADDR     Trust this CheckpointRegistry on that chain (repeatable).
  --trust-log                 Without --deployments or --registry, use the registries the log's
                              anchors name (this shows the log is consistent with them, not
                              that they are the operator's).
  --policies DIR              Policy files (*.yaml) the pauses' policy hashes are looked up in:
                              their timeouts and reviewers.
  --signer ADDRESS            Check every checkpoint against this signer instead of the key
                              history (a log that never rotated its keys).
  --receipt-key HEX           Check every receipt against this P-256 key (0x04 ‖ x ‖ y) instead
                              of the log's claimed key.
  --max-epoch-interval SEC    Instead of the interval the chains hold for the log.
  --receipts all|sample       Which receipt signatures to verify (default sample, above; all
                              costs about 80 µs of CPU per entry).
  --threads N                 Checker threads, this one included (default: the machine's cores,
                              at most 4; 1 checks on this thread alone).
  --json                      Print only the report, as JSON, on stdout.
  --quiet                     No progress lines on stderr.
  -h, --help                  Show this help.

\`--token\` and TML_API_TOKEN, the former names of --api-key, still work.
`

/** The gateway's default address: where `tml gateway start` and `npm start` listen. */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8787'

export type { AuditProblem } from '../audit/auditLog.ts'

/**
 * `tml audit`: checks a log, from an export file or a gateway's API, against pinned registries.
 *
 * @example
 * process.exitCode = await auditCommand({ argv: ['--from', 'log.ndjson', '--rpc', '31337=…', '--deployments', 'deployments'], io })
 */
export async function auditCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  let rpc: Map<number, string>
  let pinned: Map<number, string>
  let api: string
  let threads: number
  try {
    values = parse(argv).values
    if (values.help) {
      io.out(AUDIT_HELP)
      return 0
    }
    rpc = parsePairs(values.rpc, '--rpc')
    if (rpc.size === 0) throw new TypeError('need at least one --rpc CHAINID=URL')
    pinned = parsePairs(values.registry, '--registry')
    for (const a of pinned.values())
      if (!isAddress(a)) throw new TypeError(`--registry: ${a} is not an address`)
    if (values.deployments !== undefined)
      for (const [k, v] of readDeploymentRegistries(values.deployments))
        if (!pinned.has(k)) pinned.set(k, v)
    if (pinned.size === 0 && !values['trust-log'])
      throw new TypeError(
        'no registries to trust: pass --deployments DIR or --registry CHAINID=ADDR, or --trust-log to check the log against the registries it names',
      )
    if (values.log !== undefined && !isHex(values.log, 32))
      throw new TypeError('--log is not a bytes32 log id')
    if (values.from === undefined && values.log === undefined)
      throw new TypeError('need --from FILE, or --log (bytes32) to read the log from the API')
    api = values.api ?? io.env.TML_GATEWAY_URL ?? DEFAULT_GATEWAY_URL
    if (!URL.canParse(api) || !/^https?:$/.test(new URL(api).protocol))
      throw new TypeError(`--api is not an http(s) URL: "${api}"`)
    if (values.signer !== undefined && !isAddress(values.signer))
      throw new TypeError('--signer is not an address')
    if (values['receipt-key'] !== undefined && !isHex(values['receipt-key'], 65))
      throw new TypeError('--receipt-key is not an uncompressed P-256 key (65 bytes of hex)')
    if (
      values['max-epoch-interval'] !== undefined &&
      !/^[1-9]\d{0,9}$/.test(values['max-epoch-interval'])
    )
      throw new TypeError('--max-epoch-interval is not a positive number of seconds')
    if (values.receipts !== undefined && values.receipts !== 'all' && values.receipts !== 'sample')
      throw new TypeError(`--receipts is all or sample, not "${values.receipts}"`)
    threads =
      values.threads === undefined ? Math.min(4, availableParallelism()) : Number(values.threads)
    if (!Number.isSafeInteger(threads) || threads < 1 || threads > 64)
      throw new TypeError('--threads is not a number from 1 to 64')
  } catch (e) {
    io.err(`tml audit: ${(e as Error).message}\n\n${AUDIT_HELP}`)
    return 2
  }
  const token = values['api-key'] ?? values.token ?? io.env.TML_API_KEY ?? io.env.TML_API_TOKEN
  const logId = values.log?.toLowerCase() as Hex | undefined
  const bytes = () =>
    values.from !== undefined
      ? createReadStream(values.from, { highWaterMark: 1 << 20 })
      : exportBytes(readApiLog({ api, token, logId: logId as Hex }))
  let report: AuditReport
  try {
    let policies: Map<string, PausePolicy> | undefined
    if (values.policies !== undefined) {
      policies = new Map()
      for (const { policy, hash } of loadPolicies({ paths: [values.policies] }).values())
        policies.set(hash.toLowerCase(), {
          timeoutMs: policy.pause.timeoutMs,
          reviewers: policy.reviewers,
          verifiers: [policy.verification?.hook.verifier, policy.pause.verificationHook].filter(
            (v): v is string => v !== undefined,
          ),
        })
    }
    if (pinned.size === 0) {
      for (const [k, v] of await registriesTheLogNames({ from: values.from, api, token, logId }))
        pinned.set(k, v)
      io.err(
        'tml audit: warning: --trust-log: the registries the log names are trusted, not ones you pinned\n',
      )
    }
    const chains: PinnedChain[] = []
    for (const [chainId, rpcUrl] of rpc) {
      const registry = pinned.get(chainId) as Address | undefined
      if (registry) chains.push({ chainId, rpcUrl, registry })
      else io.err(`tml audit: warning: no registry pinned on chain ${chainId}: not read\n`)
    }
    if (chains.length === 0) throw new Error('no chain given with --rpc has a pinned registry')
    const started = Date.now()
    report = await auditLog({
      bytes: bytes(),
      chains: new PinnedChains(chains),
      logId,
      signer: values.signer as Address | undefined,
      receiptKey: values['receipt-key']?.toLowerCase() as Hex | undefined,
      maxEpochIntervalS:
        values['max-epoch-interval'] === undefined
          ? undefined
          : Number(values['max-epoch-interval']),
      ...(policies ? { policies } : {}),
      threads,
      receipts: values.receipts as 'all' | 'sample' | undefined,
      ...(values.quiet
        ? {}
        : {
            onProgress: ({ entries, checkpoints }) => {
              const s = (Date.now() - started) / 1000
              io.err(
                `tml audit: ${entries.toLocaleString('en')} entries, ${checkpoints.toLocaleString('en')} checkpoints, ${s.toFixed(0)} s (${Math.round(entries / Math.max(s, 0.001)).toLocaleString('en')} entries/s)\n`,
              )
            },
          }),
    })
  } catch (e) {
    io.err(`tml audit: ${(e as Error).message.split('\n')[0]}\n`)
    return 1
  }
  if (values.json) {
    io.out(`${JSON.stringify(report, null, 2)}\n`)
  } else {
    io.out(
      `log ${report.logId}: ${count(report.entries, 'entry', 'entries')}, ${count(report.checkpoints, 'checkpoint')}, ${count(report.chains.length, 'chain')}\n`,
    )
    for (const c of report.chains)
      io.out(
        `chain ${c.chainId} (registry ${c.registry}): ${c.head ? `head epoch ${c.head.epoch}` : 'unreadable'}\n`,
      )
    io.out(
      `pauses: ${report.pauses.pauses}, resolutions: ${report.pauses.resolutions}, open: ${report.pauses.open}\n`,
    )
    io.out(
      `receipt signatures: ${report.receiptSignatures.checked.toLocaleString('en')} verified (${report.receiptSignatures.mode === 'all' ? 'every receipt' : 'every one a finding can rest on, and 1 in 100 of the others at random; --receipts all verifies each'})\n`,
    )
    for (const n of report.notes) io.out(`note: ${n}\n`)
    for (const p of report.problems) io.out(`PROBLEM ${p.kind}: ${p.message}\n`)
  }
  if (report.problemCount === 0) {
    if (!values.json) io.out('audit clean\n')
    return 0
  }
  io.err(`tml audit: ${count(report.problemCount, 'problem')}\n`)
  return 1
}

/**
 * `--trust-log`: the registry each chain's anchors name in the log's first checkpoint that has
 * anchors (the file is read up to it; the API's first page of checkpoints).
 */
async function registriesTheLogNames({
  from,
  api,
  token,
  logId,
}: {
  from: string | undefined
  api: string
  token: string | undefined
  logId: Hex | undefined
}): Promise<Map<number, string>> {
  const found = new Map<number, string>()
  const take = (anchors: { chainId: number; registry: string }[]) => {
    for (const a of anchors) if (!found.has(a.chainId)) found.set(a.chainId, a.registry)
  }
  if (from !== undefined) {
    let n = 0
    for await (const text of readExportLines(from)) {
      n++
      if (!text.startsWith('{"type":"checkpoint"')) continue
      const line = parseExportLine(text, n)
      if (line.type === 'checkpoint' && line.anchors.length > 0) {
        take(line.anchors)
        break
      }
    }
  } else {
    const page = (await apiGetter(
      api,
      token,
    )(`/v1/logs/${logId}/checkpoints?from=1&limit=100`)) as {
      checkpoints?: { anchors?: { chainId: number; registry: string }[] }[]
    }
    for (const c of page.checkpoints ?? []) take(c.anchors ?? [])
  }
  return found
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      from: { type: 'string' },
      api: { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      log: { type: 'string' },
      rpc: { type: 'string', multiple: true },
      registry: { type: 'string', multiple: true },
      deployments: { type: 'string' },
      'trust-log': { type: 'boolean' },
      policies: { type: 'string' },
      signer: { type: 'string' },
      'receipt-key': { type: 'string' },
      'max-epoch-interval': { type: 'string' },
      threads: { type: 'string' },
      receipts: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  })
}

/** `1 chain`, `2 chains`, `0 entries`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`
}
