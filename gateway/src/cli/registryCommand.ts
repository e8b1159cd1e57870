import { KeystoreError } from '../keys/KeystoreError.ts'
import type { CliIo } from './io.ts'
import { RegistryCommandError } from './RegistryCommandError.ts'

// Kept here too: `tml custodian` (accessChain.ts) takes its sender from this module.
export { registrySender } from './registrySender.ts'

/** The options every registry-writing command takes (parseArgs configuration). */
export const REGISTRY_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  chain: { type: 'string', multiple: true },
  deployments: { type: 'string' },
  keystore: { type: 'string' },
  'password-file': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const

/** Their help lines. */
export const REGISTRY_OPTIONS_HELP = `  --chain NETWORK=URL   Send on NETWORK through RPC URL; repeatable: give every chain of the
                        deployment (TML_CHAINS, comma-separated). Addresses and chain id come
                        from DEPLOYMENTS/NETWORK.json.
  --deployments DIR     Deployment files (default ./deployments; TML_DEPLOYMENTS_DIR).
  --keystore FILE       Web3 Secret Storage keystore of the sending account (TML_KEYSTORE);
                        "tml keystore new|import" makes one. Ledger: not supported yet.
  --password-file FILE  Keystore password (else TML_KEYSTORE_PASSWORD, else a prompt without
                        echo on a terminal).
  --dry-run             Check the call against each chain (eth_call) and print the transaction
                        (to, data, from, gas) without signing or sending; needs no password.
  --json                Print the results as JSON.
  -h, --help            Show this help.`
/**
 * Runs a registry command's body and turns its input errors into a printed message and exit
 * code (1, or 2 for usage). Other errors propagate.
 *
 * @example return guardRegistryCommand(io, 'tml operator register', async () => { … })
 */
export async function guardRegistryCommand(
  io: CliIo,
  command: string,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body()
  } catch (e) {
    if (e instanceof RegistryCommandError) {
      io.err(`${command}: ${e.shortMessage}\n`)
      return e.exitCode
    }
    if (e instanceof KeystoreError) {
      io.err(`${command}: ${e.shortMessage}\n`)
      return 1
    }
    throw e
  }
}
