import { gatewayVersion } from '../gatewayVersion.ts'
import type { CliIo } from './io.ts'

// Each command's modules are loaded when it runs, not before: `tml audit` of a large export must
// not carry the gateway's server, SQLite and proxies in memory (about 185 MB), nor `tml verify`
// wait for them to load.
type Command = (p: { argv: string[]; io: CliIo }) => Promise<number>
const COMMANDS: Record<string, () => Promise<Command>> = {
  verify: async () => (await import('./verifyCommand.ts')).verifyCommand,
  audit: async () => (await import('./auditCommand.ts')).auditCommand,
  export: async () => (await import('./exportCommand.ts')).exportCommand,
  monitor: async () => (await import('./monitorCommand.ts')).monitorCommand,
  'mcp-proxy': async () => (await import('./mcpProxyCommand.ts')).mcpProxyCommand,
  receipt: async () => (await import('./receiptCommand.ts')).receiptCommand,
  keys: async () => (await import('./keysCommand.ts')).keysCommand,
  keystore: async () => (await import('./keystoreCommand.ts')).keystoreCommand,
  operator: async () => (await import('./operatorCommand.ts')).operatorCommand,
  log: async () => (await import('./logCommand.ts')).logCommand,
  lantern: async () => (await import('./lanternCommand.ts')).lanternCommand,
  db: async () => (await import('./dbCommand.ts')).dbCommand,
  custodian: async () => (await import('./custodianCommand.ts')).custodianCommand,
  'audit-access': async () => (await import('./auditAccessCommand.ts')).auditAccessCommand,
  replay: async () => (await import('./replayCommand.ts')).replayCommand,
}

export const MAIN_HELP = `Usage: tml <command> [options]

TML Anchor gateway: ternary decisions under the Sacred Pause Protocol, every one a signed,
durable Moral Trace Log entry.

Commands:
  gateway start        Start the gateway (HTTP API, decision engine, Always Memory).
  keys [show|generate|rotate]
                       Show the log's public keys and key history, create missing
                       development keys, or rotate the checkpoint key on every chain.
  policy check FILE    Validate policy files and print their hashes.
  verify BUNDLE        Check a proof bundle completely (--rpc CHAINID=URL ...).
  audit                Check a whole log (a tml export file, or the API) against the chains:
                       roots, signatures, anchors, receipts, withheld epochs, pauses.
  export               Write a log's MTLs and checkpoints to a file (NDJSON); with
                       --training, resolved pauses as fine-tuning JSONL under a grant.
  monitor              Watch logs on the chains and gateways; prove forks on chain.
  mcp-proxy -- COMMAND Put the gateway in front of an MCP server's tools: every tools/call
                       is decided (+1 forward, 0 wait for a reviewer, -1 refuse) and logged.
  receipt check RECEIPT
                       Check a receipt's promise on the chains: included (writes the
                       proof bundle), pending (prints the deadline) or broken (prints or
                       --report sends the on-chain proof).
  keystore new|import|address FILE
                       Encrypted keys (Web3 Secret Storage JSON) for the accounts below.
  operator register    Register the keystore's account as an operator on every chain.
  log declare|retire   Declare the gateway's log (its keys directory), or retire it, on
                       every chain.
  lantern grant|renew|revoke
                       A certifier's Lantern certifications on every chain.
  db migrate|status    Apply or list the store's schema migrations (SQLite data directory
                       or --store postgres://…).
  custodian keygen|approve|release
                       A custodian's part of auditor access to the sealed evidence vault.
  audit-access request|fetch
                       An auditor's part: ask for epochs on chain, open a sealed record.
  replay TRACE_ID      Forensic replay under a grant: open the sealed record, check it against
                       the anchored MTL and the archived policy, re-run the engine, compare.

Run "tml <command> --help" for the options of a command; "tml --version" prints the version.
`

/**
 * The \`tml\` command line: dispatches to a command and resolves with the exit code.
 *
 * @example
 * process.exitCode = await main({ argv: process.argv.slice(2), io: processIo })
 */
export async function main({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  const [command, sub, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(MAIN_HELP)
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    io.out(`tml ${gatewayVersion()}\n`)
    return 0
  }
  if (command === 'gateway') {
    if (sub === 'start') return (await import('./gatewayStart.ts')).gatewayStart({ argv: rest, io })
    if (sub === '--help' || sub === '-h') {
      io.out(
        'Usage: tml gateway start [options]\n\nRun "tml gateway start --help" for the options.\n',
      )
      return 0
    }
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  if (load) return (await load())({ argv: sub === undefined ? [] : [sub, ...rest], io })
  if (command === 'policy') {
    if (sub === 'check') return (await import('./policyCheck.ts')).policyCheck({ argv: rest, io })
    if (sub === '--help' || sub === '-h') {
      io.out('Usage: tml policy check FILE|DIR...\n\nRun "tml policy check --help" for details.\n')
      return 0
    }
  }
  io.err(`tml: unknown command "${argv.join(' ')}"\n\n${MAIN_HELP}`)
  return 2
}
