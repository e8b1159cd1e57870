import { parseArgs } from 'node:util'
import { noteVerifierKey } from '@tml/core'
import { privateKeyToAddress } from 'viem/accounts'
import { createReceiptSigner } from '../keys/createReceiptSigner.ts'
import { KeysError } from '../keys/KeysError.ts'
import { loadKeys } from '../keys/loadKeys.ts'
import { TilesOriginError, tilesOrigin } from '../tiles/tilesOrigin.ts'
import type { CliIo } from './io.ts'
import { describeKeyHistory, KEYS_ROTATE_HELP, keysRotate } from './keysRotate.ts'

export const KEYS_HELP = `Usage: tml keys [show|generate|rotate] [--keys DIR]

show (default)  Prints the public side of the log's keys: log id, P-256 receipt public key
                (0x04 ‖ x ‖ y, in proof bundles) and its commitment keccak256(x ‖ y) (what the
                log declares on chain as receiptKey), checkpoint signer address, API callers, the C2SP note
                verifier key (name+hash+key, for Go's sumdb/note, witnesses), and the checkpoint
                key history (period, first epoch, signer, key file, statement). Never secrets.
generate        Creates the key files that are missing (never overwrites), mode 0600.
rotate          Rotates the checkpoint signer and relays the statement to every chain
                ("tml keys rotate --help").

Keys come from the environment first (TML_RECEIPT_KEY, TML_CHECKPOINT_KEY,
TML_SUBJECT_INDEX_KEY, TML_LOG_ID, TML_NOTE_KEY: 0x + 32 bytes hex, the receipt key a P-256
scalar; TML_API_KEYS:
caller:token,...), then from files in DIR (receipt.key, checkpoint.key, subject-index.key, log-id,
api-keys, note.key). The note key's name is the C2SP origin: TML_TILES_ORIGIN, by default
tml-anchor/<log id>.

Options:
  --keys DIR   Key directory (default ./data/keys).
  -h, --help   Show this help.

Key history: checkpoint.key (or TML_CHECKPOINT_KEY) is period 0; DIR/checkpoint-keys.json lists
the rotations, each with its key file in DIR. Rotating needs the key directory.
`

/**
 * \`tml keys\`: shows (or, with \`generate\`, creates) the gateway's keys.
 *
 * @example
 * await keysCommand({ argv: ['generate', '--keys', './data/keys'], io: processIo })
 */
export async function keysCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  if (argv[0] === 'rotate') {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(KEYS_ROTATE_HELP)
      return 0
    }
    return keysRotate({ argv: argv.slice(1), io })
  }
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
    const receiptSigner = createReceiptSigner(keys.receiptKey)
    io.out(`receipt public key     ${receiptSigner.publicKey}\n`)
    io.out(`receipt key (on chain) ${receiptSigner.keyCommitment}\n`)
    io.out(`checkpoint signer      ${privateKeyToAddress(keys.checkpointKey)}\n`)
    io.out(`api callers            ${keys.apiKeys.map((k) => k.caller).join(', ')}\n`)
    const name = tilesOrigin({ logId: keys.logId, origin: io.env.TML_TILES_ORIGIN })
    io.out(
      `note verifier key      ${keys.noteKey ? noteVerifierKey({ name, privateKey: keys.noteKey }) : 'none (set TML_NOTE_KEY or create note.key)'}\n`,
    )
    io.out(await describeKeyHistory(keys.checkpointKeys))
    return 0
  } catch (e) {
    if (e instanceof TilesOriginError) {
      io.err(`tml keys: ${e.message}\n`)
      return 1
    }
    if (e instanceof KeysError) {
      io.err(`tml keys: ${e.shortMessage}\n  (run "tml keys generate" in development)\n`)
      return 1
    }
    throw e
  }
}
