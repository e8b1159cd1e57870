import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  esploraHeaderSource,
  type ForkEvidenceVerdict,
  type Hex,
  InvalidVerifierConfigError,
  isHex,
  type ProofVerdict,
  type TrustedKeys,
  type VerificationStep,
  type VerifierChain,
  verifyForkEvidence,
  verifyProof,
} from '@tml/core'
import { type Address, createPublicClient, http, isAddress } from 'viem'
import type { CliIo } from './io.ts'
import { parsePairs } from './parsePairs.ts'
import { pinnedRegistries } from './readDeploymentRegistries.ts'

export const VERIFY_HELP = `Usage: tml verify BUNDLE --rpc CHAINID=URL [--rpc CHAINID=URL ...] [options]
       tml verify --fork-evidence FILE [--signer ADDRESS] [--json]

Checks a tml-proof/1 bundle with the shared verifier (the same one as the verify page): the MTL's
schema and leaf hash, its inclusion proof against the checkpoint, the log's keys read from every
chain (they must agree), the checkpoint's and the receipt's signatures against those keys, the
checkpoint anchored on each chain (every chain that holds its epoch must hold the same one), the
log's status (a log proven compromised is not valid), the operator's Lantern and whether its
certification covers the decision's policy. Prints each step, where and when it was anchored,
and what was not checked.

Exit status: 0 when nothing failed (also when a chain of the bundle had no --rpc: it is reported
as unchecked), 1 when a step failed, 2 on a usage error.

Trust: name the registries you trust with --deployments or --registry; only those are read,
whatever the bundle names, and the log's keys come from them (CheckpointRegistry.keysAt for the
checkpoint's epoch). Without either, tml verify refuses (exit 2) unless you pass --trust-bundle:
then the bundle's own registry addresses are read and the verdict says so, which shows that the
bundle is consistent and anchored where it says, not that those are the operator's registries.

Options:
  --rpc CHAINID=URL        JSON-RPC endpoint of a chain (repeatable). A chain of the bundle
                           without one, or without a trusted registry, is reported as unchecked.
  --deployments DIR        Trust the CheckpointRegistry of each deployments/<network>.json in DIR.
  --registry CHAINID=ADDR  Trust this CheckpointRegistry on that chain (repeatable; wins over
                           --deployments for its chain).
  --signer ADDRESS         Also require this checkpoint signer (it must be the chains').
  --receipt-key HEX        The log's P-256 receipt public key, 0x04 ‖ x ‖ y: checked against the
                           chains' commitment and used instead of the bundle's.
  --trust-bundle           Without pinned registries, read the ones the bundle names (see Trust).
  --esplora URL            Check the bundle's OpenTimestamps proof against Bitcoin block headers
                           from this Esplora REST API (TML_ESPLORA_URL; e.g. the local stack's
                           http://127.0.0.1:8788/esplora). Without it the Bitcoin step is
                           reported as not checked. The source is trusted for the headers.
  --fork-evidence FILE     Check, offline, a fork's evidence as tml monitor --evidence-dir writes
                           it (tml-fork-evidence/1): the two checkpoints, their signatures (by
                           --signer, the log's checkpoint signer, when given) and that they
                           contradict each other; for an inconsistent pair, the leaf that
                           differs, proven in both trees (without it, an indication only).
                           Exit 0 when it proves a fork, 1 otherwise.
  --json                   Print only the verdict, as JSON, on stdout (messages go to stderr).
  -h, --help               Show this help.
`

// Kept here too: monitor, receipt and audit import it from this module.
export { parsePairs } from './parsePairs.ts'

/**
 * `tml verify`: verifies a proof bundle file with core's `verifyProof`, one JSON-RPC client per
 * `--rpc` chain and the registries pinned by `--deployments` / `--registry`; a thin shell that
 * only parses options and prints the verdict.
 *
 * @example
 * process.exitCode = await verifyCommand({ argv: ['bundle.json', '--rpc', '31337=http://127.0.0.1:8545', '--deployments', 'deployments'], io })
 */
export async function verifyCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  let parsed: ReturnType<typeof parse>
  let chains: VerifierChain[]
  let trustBundle: boolean
  let pinnedKeys: TrustedKeys | undefined
  let unpinned: number[]
  let esplora: string | undefined
  try {
    parsed = parse(argv)
    if (parsed.values.help) {
      io.out(VERIFY_HELP)
      return 0
    }
    if (parsed.values['fork-evidence'] !== undefined) return await forkEvidence(parsed, io)
    const rpc = parsePairs(parsed.values.rpc, '--rpc')
    // Each with the block its event searches start at (the registry's deployment block).
    const registries = pinnedRegistries({
      deployments: parsed.values.deployments,
      registry: parsed.values.registry,
    })
    if (parsed.positionals.length !== 1 || rpc.size === 0)
      throw new TypeError('need one BUNDLE and at least one --rpc')
    esplora = parsed.values.esplora ?? io.env.TML_ESPLORA_URL
    if (esplora !== undefined && !/^https?:\/\/[^\s]+$/.test(esplora))
      throw new TypeError(`--esplora must be an http(s) URL, got "${esplora}"`)
    const signer = parsed.values.signer
    if (signer !== undefined && !isAddress(signer))
      throw new TypeError('--signer is not an address')
    const receiptKey = parsed.values['receipt-key']
    if (receiptKey !== undefined && !(isHex(receiptKey, 65) && receiptKey.startsWith('0x04')))
      throw new TypeError('--receipt-key is not a 65-byte uncompressed P-256 key (0x04 ‖ x ‖ y)')
    pinnedKeys =
      signer === undefined && receiptKey === undefined
        ? undefined
        : {
            ...(signer !== undefined ? { checkpointSigner: signer as Address } : {}),
            ...(receiptKey !== undefined ? { receiptPublicKey: receiptKey as Hex } : {}),
          }
    // A forged bundle can name registries of its own: checking it against them proves nothing
    // about the operator, so that takes an explicit choice.
    if (registries.size === 0 && !parsed.values['trust-bundle'])
      throw new TypeError(
        'no registries to trust: pass --deployments DIR or --registry CHAINID=ADDR, or --trust-bundle to check the bundle against the registries it names',
      )
    trustBundle = registries.size === 0
    // A chain without a trusted registry is not read: its anchors are reported as unchecked.
    unpinned = trustBundle ? [] : [...rpc.keys()].filter((chainId) => !registries.has(chainId))
    chains = [...rpc]
      .filter(([chainId]) => !unpinned.includes(chainId))
      .map(([chainId, url]) => ({
        chainId,
        client: createPublicClient({ transport: http(url, { retryCount: 1 }) }),
        checkpointRegistry: registries.get(chainId)?.registry,
        fromBlock: registries.get(chainId)?.fromBlock,
      }))
  } catch (e) {
    io.err(`tml verify: ${(e as Error).message}\n\n${VERIFY_HELP}`)
    return 2
  }
  let bundle: unknown
  try {
    bundle = JSON.parse(readFileSync(parsed.positionals[0] as string, 'utf8'))
  } catch (e) {
    io.err(`tml verify: cannot read the bundle: ${(e as Error).message}\n`)
    return 1
  }
  for (const chainId of unpinned)
    io.err(
      `tml verify: warning: chain ${chainId}: no registry is trusted there (--deployments, --registry), so it is not read\n`,
    )
  if (trustBundle)
    io.err(
      'tml verify: warning: --trust-bundle: the registries the bundle names are trusted (and the keys read from them)\n',
    )
  let verdict: ProofVerdict
  try {
    verdict = await verifyProof({
      bundle,
      chains,
      trustBundle,
      pinnedKeys,
      ...(esplora ? { bitcoin: esploraHeaderSource({ baseUrl: esplora, fetch }) } : {}),
    })
  } catch (e) {
    if (!(e instanceof InvalidVerifierConfigError)) throw e
    io.err(`tml verify: ${e.shortMessage}\n`)
    return 2
  }
  if (parsed.values.json) io.out(`${JSON.stringify(verdict, bigintAsString, 2)}\n`)
  else io.out(describeVerdict(verdict))
  if (verdict.valid) return 0
  const failed = verdict.steps.filter((s) => !s.ok).map((s) => s.id)
  io.err(`tml verify: bundle INVALID, failing steps: ${failed.join(', ')}\n`)
  return 1
}

const MARK: Record<string, string> = {
  pass: 'ok  ',
  fail: 'FAIL',
  unchecked: '--  ',
  notice: 'note',
}

/**
 * The verdict as text: each step (with its plain reason and the technical detail beneath), where
 * and when the checkpoint was anchored, the log's status, the Lantern and what was not checked.
 *
 * @example io.out(describeVerdict(await verifyProof({ bundle, chains })))
 */
export function describeVerdict(verdict: ProofVerdict): string {
  const lines: string[] = []
  for (const step of verdict.steps) lines.push(...describeStep(step))
  lines.push('')
  for (const a of verdict.anchoredOn) {
    const at =
      a.blockTime === undefined ? '' : ` at ${new Date(Number(a.blockTime) * 1000).toISOString()}`
    const block = a.blockNumber === undefined ? 'block unknown' : `block ${a.blockNumber}`
    lines.push(
      `anchored on chain ${a.chainId}: ${block}${at}${a.txHash ? `, transaction ${a.txHash}` : ''}${a.note ? ` (${a.note})` : ''}`,
    )
  }
  for (const u of verdict.unchecked) lines.push(`not checked: chain ${u.chainId}: ${u.reason}`)
  if (verdict.keys)
    lines.push(
      `the log's keys as declared on chain ${verdict.keys.chainIds.join(', ')}: checkpoint signer ${verdict.keys.checkpointSigner}, receipt key commitment ${verdict.keys.receiptKeyCommitment} (key period ${verdict.keys.keyPeriod})`,
    )
  if (verdict.log) {
    const proofs = verdict.log.compromise
      .map(
        (p) =>
          `; proof on chain ${p.chainId}: ${p.kind ?? 'report'} in transaction ${p.txHash ?? 'unknown'}`,
      )
      .join('')
    lines.push(`log status: ${verdict.log.status}${proofs}`)
  }
  for (const l of verdict.lanterns) {
    const coverage =
      l.policyCertified === undefined
        ? 'policy coverage unknown'
        : l.policyCertified
          ? `policy ${l.policyHash} covered by its certification`
          : `policy ${l.policyHash} NOT covered by its certification in force`
    lines.push(
      `Lantern on chain ${l.chainId}: operator ${l.operator} (log "${l.logName}") ${l.lit ? 'lit' : `dark: ${l.reasonText}`}; ${coverage}`,
    )
  }
  lines.push(verdict.summary)
  lines.push(
    verdict.status === 'valid'
      ? 'bundle valid'
      : verdict.status === 'valid-with-unchecked'
        ? 'bundle valid on the checked chains (some parts unchecked, see above)'
        : 'bundle INVALID',
  )
  return `${lines.join('\n')}\n`
}

function describeStep(step: VerificationStep): string[] {
  const outcome = step.outcome ?? (step.ok ? 'pass' : 'fail')
  const lines = [`${MARK[outcome] ?? outcome} ${step.id}: ${step.title}`]
  if (step.reason) lines.push(`       ${step.reason}`)
  if (step.detail && outcome !== 'pass') lines.push(`       (${step.detail})`)
  return lines
}

/**
 * `tml verify --fork-evidence FILE`: core's `verifyForkEvidence` on the file, offline; exit 0
 * when it proves a fork, 1 when it does not (or cannot be read), 2 on a usage error.
 */
async function forkEvidence(parsed: ReturnType<typeof parse>, io: CliIo): Promise<number> {
  const signer = parsed.values.signer
  if (signer !== undefined && !isAddress(signer)) {
    io.err('tml verify: --signer is not an address\n')
    return 2
  }
  if (parsed.positionals.length > 0) {
    io.err('tml verify: --fork-evidence takes no BUNDLE\n')
    return 2
  }
  let evidence: unknown
  try {
    evidence = JSON.parse(readFileSync(parsed.values['fork-evidence'] as string, 'utf8'))
  } catch (e) {
    io.err(`tml verify: cannot read the evidence: ${(e as Error).message}\n`)
    return 1
  }
  const verdict: ForkEvidenceVerdict = await verifyForkEvidence({
    evidence,
    signers: signer === undefined ? undefined : [signer as Address],
  })
  if (parsed.values.json) io.out(`${JSON.stringify(verdict)}\n`)
  else {
    io.out(`${verdict.summary}\n`)
    for (const problem of verdict.problems) io.out(`  problem: ${problem}\n`)
    if (verdict.proven && verdict.signersTrusted === undefined)
      io.out('  the signers were not compared with the log’s key (pass --signer)\n')
  }
  return verdict.proven ? 0 : 1
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      rpc: { type: 'string', multiple: true },
      registry: { type: 'string', multiple: true },
      deployments: { type: 'string' },
      signer: { type: 'string' },
      'receipt-key': { type: 'string' },
      json: { type: 'boolean' },
      'trust-bundle': { type: 'boolean' },
      esplora: { type: 'string' },
      'fork-evidence': { type: 'string' },
    },
    allowPositionals: true,
  })
}
