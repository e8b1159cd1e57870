import { parseArgs } from 'node:util'
import { privateKeyToAddress } from 'viem/accounts'
import { createReceiptSigner } from '../keys/createReceiptSigner.ts'
import { KeysError } from '../keys/KeysError.ts'
import { loadKeys } from '../keys/loadKeys.ts'
import type { CliIo } from './io.ts'

export const KEYS_HELP = `Usage: tml keys [show|generate] [--keys DIR]

show (default)  Prints the public side of the log's keys: log id, Ed25519 receipt public key
                (declared on chain), checkpoint signer address, API callers. Never secrets.
generate        Creates the key files that are missing (never overwrites), mode 0600.

Keys come from the environment first (TML_RECEIPT_KEY, TML_CHECKPOINT_KEY,
TML_SUBJECT_INDEX_KEY, TML_LOG_ID: 0x + 32 bytes hex; TML_API_KEYS: caller:token,...), then from
files in DIR (receipt.key, checkpoint.key, subject-index.key, log-id, api-keys).

Options:
  --keys DIR   Key directory (default ./data/keys).
  -h, --help   Show this help.
`

/**
 * \`tml keys\`: shows (or, with \`generate\`, creates) the gateway's keys.
 *
 * @example
 * await keysCommand({ argv: ['generate', '--keys', './data/keys'], io: processIo })
 */
export async function keysCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      keys: { type: 'string', default: './data/keys' },
    },
    allowPositionals: true,
  })
  if (values.help) {
    io.out(KEYS_HELP)
    return 0
  }
  const action = positionals[0] ?? 'show'
  if (action !== 'show' && action !== 'generate') {
    io.err(`tml keys: unknown action "${action}"\n\n${KEYS_HELP}`)
    return 2
  }
  try {
    const keys = loadKeys({ dir: values.keys, env: io.env, create: action === 'generate' })
    for (const file of keys.created) io.out(`created ${file}\n`)
    io.out(`log id                 ${keys.logId}\n`)
    io.out(`receipt public key     ${createReceiptSigner(keys.receiptKey).publicKey}\n`)
    io.out(`checkpoint signer      ${privateKeyToAddress(keys.checkpointKey)}\n`)
    io.out(`api callers            ${keys.apiKeys.map((k) => k.caller).join(', ')}\n`)
    return 0
  } catch (e) {
    if (e instanceof KeysError) {
      io.err(`tml keys: ${e.shortMessage}\n  (run "tml keys generate" in development)\n`)
      return 1
    }
    throw e
  }
}
