import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { lanternRegistryAbi } from '@tml/core'
import { isHex, keccak256, stringToHex } from 'viem'
import type { CliIo } from './io.ts'
import { RegistryCommandError } from './RegistryCommandError.ts'
import { guardRegistryCommand, REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP } from './registryCommand.ts'
import { registrySender } from './registrySender.ts'
import { chainOptions, registryTargets } from './registryTargets.ts'
import { exitCodeOf, runRegistryCalls } from './runRegistryCalls.ts'

export const OPERATOR_HELP = `Usage: tml operator register --metadata-uri URI --license-file FILE --keystore FILE --chain NETWORK=URL... [options]

Registers the keystore's account as an operator in the LanternRegistry of every chain given
(registerOperator), accepting the License: the registry records keccak256 of its UTF-8 text
(the text the web page shows under "Register as an operator"; save it to a file). Waits for each
receipt and prints the transaction and its block. An account registered already is refused
(LanternOperatorAlreadyRegistered) on that chain; the other chains go on.

Options:
  --metadata-uri URI    Where the operator describes itself (https://…, ipfs://…).
  --license-file FILE   The License text accepted (hashed as written, keccak256 of its bytes).
  --license-hash HASH   Or its hash (0x + 64 hex digits), when the text is published elsewhere.
${REGISTRY_OPTIONS_HELP}
`

/**
 * \`tml operator register\`: registers the keystore's account as an operator on every chain.
 *
 * @example
 * await operatorCommand({ argv: ['register', '--metadata-uri', 'https://op.example/tml.json', '--license-file', 'LICENSE.txt', '--keystore', 'op.json', '--chain', 'sepolia=https://…'], io: processIo })
 */
export async function operatorCommand({
  argv,
  io,
}: {
  argv: string[]
  io: CliIo
}): Promise<number> {
  const command = 'tml operator register'
  return guardRegistryCommand(io, command, async () => {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(argv)
    } catch (e) {
      throw new RegistryCommandError(`${(e as Error).message}\n\n${OPERATOR_HELP}`, 2)
    }
    const { values, positionals } = parsed
    if (values.help) {
      io.out(OPERATOR_HELP)
      return 0
    }
    if (positionals[0] !== 'register' || positionals.length > 1)
      throw new RegistryCommandError(
        `unknown action "${positionals.join(' ')}"\n\n${OPERATOR_HELP}`,
        2,
      )
    const uri = values['metadata-uri']?.trim()
    if (!uri) throw new RegistryCommandError('give --metadata-uri URI', 2)
    const licenseHash = readLicenseHash(values['license-file'], values['license-hash'])
    const dryRun = values['dry-run'] === true
    const targets = await registryTargets(chainOptions(values, io.env))
    const sender = await registrySender({
      keystore: values.keystore,
      passwordFile: values['password-file'],
      env: io.env,
      dryRun,
    })
    if (!values.json) io.out(`operator ${sender.address}, License hash ${licenseHash}\n`)
    const results = await runRegistryCalls({
      io,
      command,
      targets,
      sender,
      dryRun,
      json: values.json === true,
      extra: { licenseHash },
      plan: async (target) => ({
        address: target.lantern,
        abi: lanternRegistryAbi,
        functionName: 'registerOperator',
        args: [uri, licenseHash],
      }),
    })
    return exitCodeOf(results)
  })
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      ...REGISTRY_OPTIONS,
      'metadata-uri': { type: 'string' },
      'license-file': { type: 'string' },
      'license-hash': { type: 'string' },
    },
    allowPositionals: true,
  })
}

function readLicenseHash(file: string | undefined, hash: string | undefined): `0x${string}` {
  if ((file === undefined) === (hash === undefined))
    throw new RegistryCommandError(
      'give the License accepted: --license-file FILE or --license-hash HASH',
      2,
    )
  if (hash !== undefined) {
    if (!isHex(hash, { strict: true }) || hash.length !== 66 || /^0x0+$/.test(hash))
      throw new RegistryCommandError('--license-hash must be 0x + 64 hex digits, not zero', 2)
    return hash.toLowerCase() as `0x${string}`
  }
  let text: string
  try {
    text = readFileSync(file as string, 'utf8')
  } catch (error) {
    throw new RegistryCommandError(`cannot read the License ${file}: ${(error as Error).message}`)
  }
  return keccak256(stringToHex(text))
}
