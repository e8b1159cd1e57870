import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Hex } from 'viem'
import { KeystoreError } from '../keys/KeystoreError.ts'
import { openKeystore } from '../keys/readKeystore.ts'
import { writeKeystore } from '../keys/writeKeystore.ts'
import type { CliIo } from './io.ts'
import { keystorePassword, promptHidden, readStdin } from './readSecret.ts'

export const KEYSTORE_HELP = `Usage: tml keystore new|import|address FILE [options]

Encrypted keys for the accounts that send transactions (operator, certifier, relayer): Web3 Secret
Storage v3 JSON, the keystore format of geth, ethers and viem users (scrypt, aes-128-ctr). The
operator commands take one with --keystore FILE; a raw private key is never a command-line
argument.

new FILE        Creates a keystore for a new random key and prints its address.
import FILE     Encrypts an existing key read from stdin (piped, or typed without echo on a
                terminal) or from --key-file; never from the command line.
address FILE    Prints the address a keystore holds (no password needed).

Options:
  --password-file FILE  Password: the file's first line (else TML_KEYSTORE_PASSWORD, else a
                        prompt without echo when stdin is a terminal; asked twice for new files).
  --key-file FILE       import: the private key (0x + 64 hex digits) from this file.
  --light-kdf           Weaker, faster scrypt (geth's --lightkdf: N=4096, p=6) for throwaway and
                        test accounts; the default is N=131072 (a few seconds per use).
  --json                Print {"address","file"} as JSON.
  -h, --help            Show this help.

Files are written with mode 0600 and never overwritten. Hardware wallets (Ledger) are not
supported yet: they need packages this project does not ship.
`

/**
 * \`tml keystore\`: creates, imports and reads Web3 Secret Storage keystores.
 *
 * @example
 * await keystoreCommand({ argv: ['new', 'operator.json', '--password-file', 'pw.txt'], io: processIo })
 */
export async function keystoreCommand({
  argv,
  io,
}: {
  argv: string[]
  io: CliIo
}): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (e) {
    io.err(`tml keystore: ${(e as Error).message}\n\n${KEYSTORE_HELP}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(KEYSTORE_HELP)
    return 0
  }
  const [action, file, ...extra] = positionals
  if (action !== 'new' && action !== 'import' && action !== 'address') {
    io.err(`tml keystore: unknown action "${action ?? ''}"\n\n${KEYSTORE_HELP}`)
    return 2
  }
  if (file === undefined) {
    io.err(`tml keystore ${action}: give the keystore FILE\n`)
    return 2
  }
  if (extra.length > 0) {
    // A private key pasted after the file name would now be in the shell history: say so.
    io.err(
      `tml keystore ${action}: unexpected argument(s) after FILE${action === 'import' ? ': the key is read from stdin or --key-file, never from the command line (remove it from your shell history)' : ''}\n`,
    )
    return 2
  }
  const print = (address: string) =>
    io.out(values.json ? `${JSON.stringify({ address, file })}\n` : `${address}\n`)
  try {
    if (action === 'address') {
      print(openKeystore(file).address)
      return 0
    }
    let privateKey: Hex | undefined
    if (action === 'import') privateKey = await readKey(values['key-file'])
    const password = await keystorePassword({
      passwordFile: values['password-file'],
      env: io.env,
      confirm: true,
    })
    const { address } = await writeKeystore({
      file,
      password,
      light: values['light-kdf'] === true,
      ...(privateKey ? { privateKey } : {}),
    })
    if (!values.json) io.err(`wrote ${file}\n`)
    print(address)
    return 0
  } catch (e) {
    if (!(e instanceof KeystoreError)) throw e
    io.err(`tml keystore ${action}: ${e.shortMessage}\n`)
    return 1
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      'password-file': { type: 'string' },
      'key-file': { type: 'string' },
      'light-kdf': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  })
}

// The key to import: --key-file, else stdin (typed without echo on a terminal, else piped).
async function readKey(keyFile: string | undefined): Promise<Hex> {
  let text: string
  if (keyFile !== undefined) {
    try {
      text = readFileSync(keyFile, 'utf8')
    } catch (error) {
      throw new KeystoreError(`cannot read the key file ${keyFile}: ${(error as Error).message}`)
    }
  } else if (process.stdin.isTTY) {
    text = await promptHidden({ prompt: 'Private key (0x + 64 hex digits): ' })
  } else {
    text = await readStdin(process.stdin)
  }
  const key = text.trim()
  const hex = key.startsWith('0x') ? key : `0x${key}`
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new KeystoreError(
      `${keyFile ?? 'stdin'} does not hold a private key (0x + 64 hex digits, nothing else)`,
    )
  return hex.toLowerCase() as Hex
}
