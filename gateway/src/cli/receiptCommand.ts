import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type Hex, isHex } from '@tml/core'
import { checkReceipt, type ReceiptVerdict } from '../monitor/checkReceipt.ts'
import { GatewayClient } from '../monitor/gatewayClient.ts'
import { MonitorError } from '../monitor/MonitorError.ts'
import { connectChains, pinRegistries } from '../monitor/PinnedChain.ts'
import { jsonWithBigInts, readReceiptFile } from '../monitor/readReceiptFile.ts'
import { readReporterKey } from '../monitor/readReporterKey.ts'
import { submitReport } from '../monitor/submitReport.ts'
import type { CliIo } from './io.ts'
import { parsePairs } from './verifyCommand.ts'

export const RECEIPT_HELP = `Usage: tml receipt check RECEIPT --rpc CHAINID=URL ... (--deployments DIR | --registry CHAINID=ADDR ...) [options]

Checks a receipt's promise against the chains. RECEIPT is the signed tml-receipt/2 receipt as JSON,
or the gateway's whole answer to POST /v1/decisions. The receipt must be signed by a receipt key
of the log's key history on the chains (the full key from --receipt-key or the gateway, checked
against the chains' commitment). Its deadline is its time (seconds) plus the log's maximum epoch
interval as the chains hold it. The verdict is one of:

  included  leaf SEQ is the receipt's leaf in a checkpoint anchored on the pinned chains, dated by
            the deadline: the gateway's proof bundle, verified, is written to a file (--out) and
            its path printed. Exit 0.
  pending   no anchored checkpoint holds it yet, and the deadline (printed) has not passed. Exit 3.
  broken    an anchored tree holds another leaf at SEQ (DifferentLeaf), or a checkpoint anchored
            after the deadline does not reach SEQ (MissedDeadline): the arguments of
            CheckpointRegistry.reportBrokenPromise are printed per chain, and sent with --report.
            A broken promise that no chain can prove yet is said so. Exit 1.
  invalid   the receipt is not the log's, or the gateway's bundle does not verify. Exit 1.

Options:
  --gateway URL            The log's gateway, for the proof bundle (without it only the chains
                           are read: included cannot be shown).
  --rpc CHAINID=URL        JSON-RPC endpoint of a chain (repeatable). Every pinned chain needs one.
  --deployments DIR        Trust the CheckpointRegistry of each deployments/<network>.json in DIR.
  --registry CHAINID=ADDR  Trust this CheckpointRegistry on that chain (repeatable; wins over DIR).
  --receipt-key HEX        The log's P-256 receipt public key 0x04 ‖ x ‖ y (instead of the gateway's).
  --out FILE               Where to write the proof bundle (default ./TRACEID.proof.json).
  --report                 Send the proof of a broken promise to every chain that holds the evidence.
  --key-file FILE          Private key (0x hex, mode 0600) of the account that pays for --report;
                           or set TML_REPORTER_KEY.
  --from-block N           First block to read anchors from, on every chain (default: each
                           registry's deployment block, from --deployments; else 0). Searches
                           never start before a registry's deployment block.
  --json                   Print only the verdict, as JSON, on stdout.
  -h, --help               Show this help.
`

/**
 * `tml receipt check RECEIPT`: checks a receipt's promise on the pinned chains (see
 * `checkReceipt`), writes the proof bundle of an included receipt, and prints (or with
 * `--report` sends) the on-chain proof of a broken one.
 *
 * @example
 * process.exitCode = await receiptCommand({ argv: ['check', 'answer.json', '--gateway', url, '--rpc', '31337=http://127.0.0.1:8545', '--deployments', 'deployments'], io })
 */
export async function receiptCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(RECEIPT_HELP)
    return sub === undefined ? 2 : 0
  }
  if (sub !== 'check') {
    io.err(`tml receipt: unknown subcommand "${sub}"\n\n${RECEIPT_HELP}`)
    return 2
  }
  let parsed: ReturnType<typeof parse>
  let fromBlock: bigint
  try {
    parsed = parse(rest)
    if (parsed.values.help) {
      io.out(RECEIPT_HELP)
      return 0
    }
    if (parsed.positionals.length !== 1) throw new MonitorError('need one RECEIPT file')
    const key = parsed.values['receipt-key']
    if (key !== undefined && !(isHex(key, 65) && key.toLowerCase().startsWith('0x04')))
      throw new MonitorError('--receipt-key must be 65 bytes of 0x hex, 0x04 ‖ x ‖ y')
    const from = parsed.values['from-block'] ?? '0'
    if (!/^\d+$/.test(from)) throw new MonitorError('--from-block must be a block number')
    fromBlock = BigInt(from)
  } catch (error) {
    io.err(`tml receipt check: ${(error as Error).message}\n\n${RECEIPT_HELP}`)
    return 2
  }
  const json = parsed.values.json === true
  let verdict: ReceiptVerdict
  let chains: Awaited<ReturnType<typeof connectChains>>
  let logId: Hex
  try {
    const receipt = readReceiptFile(parsed.positionals[0] as string)
    const reporter = parsed.values.report
      ? readReporterKey({ keyFile: parsed.values['key-file'], env: io.env })
      : undefined
    if (parsed.values.report && reporter === undefined)
      throw new MonitorError('--report needs a reporter key: --key-file FILE or TML_REPORTER_KEY')
    chains = await connectChains({
      rpc: parsePairs(parsed.values.rpc, '--rpc'),
      registries: pinRegistries({
        deployments: parsed.values.deployments,
        registry: parsed.values.registry,
      }),
      reporter,
      fromBlock,
    })
    logId = receipt.logId
    verdict = await checkReceipt({
      receipt,
      chains,
      gateway:
        parsed.values.gateway === undefined ? undefined : new GatewayClient(parsed.values.gateway),
      receiptPublicKey: parsed.values['receipt-key'] as Hex | undefined,
      fromBlock,
    })
  } catch (error) {
    io.err(`tml receipt check: ${(error as Error).message.split('\n')[0]}\n`)
    return 1
  }
  let bundlePath: string | undefined
  if (verdict.status === 'included' && verdict.bundle !== undefined) {
    const traceId = (verdict.bundle as { receipt?: { traceId?: string } }).receipt?.traceId
    bundlePath = resolve(parsed.values.out ?? `${traceId ?? 'receipt'}.proof.json`)
    try {
      writeFileSync(bundlePath, `${JSON.stringify(verdict.bundle, null, 2)}\n`)
    } catch (error) {
      io.err(`tml receipt check: cannot write the bundle: ${(error as Error).message}\n`)
      return 1
    }
  }
  const proofs = [...(verdict.calls ?? [])].map(([chainId, call]) =>
    typeof call === 'string' ? { chainId, reason: call } : { chainId, ...call },
  )
  const reports =
    parsed.values.report && verdict.calls !== undefined
      ? await submitReport({
          chains,
          logId,
          call: (chain) => verdict.calls?.get(chain.chainId) ?? 'no evidence on this chain',
        })
      : undefined
  if (json) {
    io.out(
      `${jsonWithBigInts(
        {
          status: verdict.status,
          reason: verdict.reason,
          deadline: verdict.deadline,
          ...(verdict.kind ? { kind: verdict.kind } : {}),
          ...(verdict.checkpoint ? { checkpoint: verdict.checkpoint } : {}),
          ...(verdict.anchoredOn ? { anchoredOn: verdict.anchoredOn } : {}),
          ...(bundlePath ? { bundlePath } : {}),
          ...(proofs.length ? { proofs } : {}),
          ...(reports ? { reports } : {}),
        },
        2,
      )}\n`,
    )
  } else {
    io.out(`${verdict.status}: ${verdict.reason}\n`)
    if (verdict.status === 'pending' || verdict.status === 'broken')
      io.out(`deadline: ${new Date(Number(verdict.deadline) * 1000).toISOString()}\n`)
    if (bundlePath) io.out(`proof bundle: ${bundlePath}\n`)
    if (verdict.kind) io.out(`proof (${verdict.kind}), CheckpointRegistry.reportBrokenPromise:\n`)
    for (const p of proofs)
      io.out(`  chain ${p.chainId}: ${jsonWithBigInts('args' in p ? p.args : p.reason)}\n`)
    for (const r of reports ?? [])
      io.out(
        `  chain ${r.chainId}: ${r.status}${r.txHash ? ` tx ${r.txHash}` : ''}${r.reason ? ` (${r.reason})` : ''}\n`,
      )
  }
  return { included: 0, pending: 3, broken: 1, invalid: 1 }[verdict.status]
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      gateway: { type: 'string' },
      rpc: { type: 'string', multiple: true },
      registry: { type: 'string', multiple: true },
      deployments: { type: 'string' },
      'receipt-key': { type: 'string' },
      out: { type: 'string' },
      report: { type: 'boolean' },
      'key-file': { type: 'string' },
      'from-block': { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  })
}
