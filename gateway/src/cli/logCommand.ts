import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { computeLogId, type Hex, hexToBytes, isHex, lanternRegistryAbi } from '@tml/core'
import { type Address, zeroAddress } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { createReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { CliIo } from './io.ts'
import { RegistryCommandError } from './RegistryCommandError.ts'
import { guardRegistryCommand, REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP } from './registryCommand.ts'
import { registrySender } from './registrySender.ts'
import { chainOptions, registryTargets } from './registryTargets.ts'
import { exitCodeOf, runRegistryCalls } from './runRegistryCalls.ts'

export const LOG_HELP = `Usage: tml log declare --name NAME --keystore FILE --chain NETWORK=URL... [options]
       tml log retire [--log-id ID] --keystore FILE --chain NETWORK=URL... [options]

Declares the gateway's log in the LanternRegistry of every chain given (declareLog), as the
operator the keystore holds: the checkpoint signer and receipt key are read from the gateway's
key directory (key period 0: checkpoint.key, receipt.key, or TML_CHECKPOINT_KEY,
TML_RECEIPT_KEY), the chain records the receipt key's commitment keccak256(x ‖ y). The log id
commits to the operator, the name, these keys and the maximum epoch interval, so the same
values go to every chain. Prints the log id, then per chain the transaction and its block.

When every chain holds the log, the log id is written to KEYS/log-id if that file does not
exist; a different log id there is left as it is (the gateway's store belongs to that log) and
reported. A log declared already on a chain is refused there, naming it; a name this operator
used with other keys is refused (LanternLogAlreadyDeclared). Keys rotated since period 0 are
relayed to a newly declared chain by "tml keys rotate" (it relays what a chain lacks).

retire retires the log (retireLog) on every chain given: it anchors nothing more there and no
longer counts for the Lantern's staleness; its checkpoints stay readable. Only the log's
operator may (LanternNotLogOperator otherwise). The log is --log-id, else TML_LOG_ID, else
KEYS/log-id.

Options:
  --name NAME               The log's name (unique per operator and chain).
  --log-id ID               retire: the log (0x + 64 hex digits).
  --max-epoch-interval SEC  Longest time between two checkpoints (default 3600;
                            TML_MAX_EPOCH_INTERVAL): what receipts promise; give the gateway the same.
  --data DIR                Data directory of the gateway (default ./data; TML_DATA_DIR).
  --keys DIR                Key directory (default DATA/keys; TML_KEYS_DIR).
${REGISTRY_OPTIONS_HELP}
`

/**
 * \`tml log declare\`: declares the gateway's log, with its own keys, on every chain.
 *
 * @example
 * await logCommand({ argv: ['declare', '--name', 'gateway-1', '--keystore', 'op.json', '--chain', 'sepolia=https://…'], io: processIo })
 */
export async function logCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  const command = `tml log ${argv[0] === 'retire' ? 'retire' : 'declare'}`
  return guardRegistryCommand(io, command, async () => {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(argv)
    } catch (e) {
      throw new RegistryCommandError(`${(e as Error).message}\n\n${LOG_HELP}`, 2)
    }
    const { values, positionals } = parsed
    if (values.help) {
      io.out(LOG_HELP)
      return 0
    }
    const action = positionals[0]
    if ((action !== 'declare' && action !== 'retire') || positionals.length > 1)
      throw new RegistryCommandError(`unknown action "${positionals.join(' ')}"\n\n${LOG_HELP}`, 2)
    const env = io.env
    if (action === 'retire') return retire({ values, io })
    const name = values.name?.trim()
    if (!name) throw new RegistryCommandError('give the log --name NAME', 2)
    const intervalText = values['max-epoch-interval'] ?? env.TML_MAX_EPOCH_INTERVAL ?? '3600'
    if (!/^[1-9]\d{0,9}$/.test(intervalText))
      throw new RegistryCommandError(
        `--max-epoch-interval must be a whole number of seconds, got "${intervalText}"`,
        2,
      )
    const maxEpochInterval = BigInt(intervalText)
    const keysDir =
      values.keys ?? env.TML_KEYS_DIR ?? join(values.data ?? env.TML_DATA_DIR ?? './data', 'keys')
    const signer = privateKeyToAddress(readKey(keysDir, 'checkpoint.key', env.TML_CHECKPOINT_KEY))
    const receiptKey = createReceiptSigner(
      hexToBytes(readKey(keysDir, 'receipt.key', env.TML_RECEIPT_KEY)),
    ).keyCommitment as Hex
    const dryRun = values['dry-run'] === true
    const targets = await registryTargets(chainOptions(values, env))
    const sender = await registrySender({
      keystore: values.keystore,
      passwordFile: values['password-file'],
      env,
      dryRun,
    })
    const logId = computeLogId({
      operator: sender.address,
      name,
      signer,
      receiptKey,
      maxEpochInterval,
    })
    const json = values.json === true
    if (!json)
      io.out(
        `log ${logId}: "${name}" of operator ${sender.address}, checkpoint signer ${signer}, receipt key ${receiptKey}, max epoch interval ${maxEpochInterval} s\n`,
      )
    const results = await runRegistryCalls({
      io,
      command,
      targets,
      sender,
      dryRun,
      json,
      extra: { logId, name, signer, receiptKey, maxEpochInterval: Number(maxEpochInterval) },
      plan: async (target) => {
        const info = await target.client.readContract({
          address: target.lantern,
          abi: lanternRegistryAbi,
          functionName: 'logInfo',
          args: [logId],
        })
        if (info.operator !== zeroAddress)
          throw new Error(
            `log ${logId} is already declared here (at ${new Date(Number(info.declaredAt) * 1000).toISOString()})`,
          )
        return {
          address: target.lantern,
          abi: lanternRegistryAbi,
          functionName: 'declareLog',
          args: [name, signer as Address, receiptKey, maxEpochInterval],
        }
      },
    })
    const code = exitCodeOf(results)
    if (code === 0 && !dryRun) adoptLogId({ keysDir, logId, io, json })
    return code
  })
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      ...REGISTRY_OPTIONS,
      name: { type: 'string' },
      'max-epoch-interval': { type: 'string' },
      data: { type: 'string' },
      keys: { type: 'string' },
      'log-id': { type: 'string' },
    },
    allowPositionals: true,
  })
}

// A key of period 0: the environment first, then the key directory (as the gateway loads them).
function readKey(dir: string, file: string, fromEnv: string | undefined): Hex {
  const path = join(dir, file)
  let value = fromEnv
  if (value === undefined) {
    if (!existsSync(path))
      throw new RegistryCommandError(
        `no ${path}: give the gateway's key directory with --keys (or --data)`,
      )
    value = readFileSync(path, 'utf8').trim()
  }
  if (!isHex(value, 32))
    throw new RegistryCommandError(`${fromEnv === undefined ? path : file} is not 0x + 32 bytes`)
  return value as Hex
}

// The gateway signs under KEYS/log-id: set it to the declared log unless it names another.
function adoptLogId({
  keysDir,
  logId,
  io,
  json,
}: {
  keysDir: string
  logId: Hex
  io: CliIo
  json: boolean
}): void {
  const file = join(keysDir, 'log-id')
  const current = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
  const say = (text: string) => (json ? io.err(text) : io.out(text))
  if (current === undefined) {
    writeFileSync(file, `${logId}\n`, { mode: 0o600, flag: 'wx' })
    say(`wrote ${file}\n`)
  } else if (current.toLowerCase() !== logId.toLowerCase()) {
    say(
      `note: ${file} holds ${current}, not the declared log: set it to ${logId} (or TML_LOG_ID) before the gateway's store holds entries of the other log\n`,
    )
  }
}

// `tml log retire`: retireLog on every chain, by the log's operator.
async function retire({
  values,
  io,
}: {
  values: ReturnType<typeof parse>['values']
  io: CliIo
}): Promise<number> {
  const env = io.env
  const keysDir =
    values.keys ?? env.TML_KEYS_DIR ?? join(values.data ?? env.TML_DATA_DIR ?? './data', 'keys')
  const file = join(keysDir, 'log-id')
  const logId =
    values['log-id'] ??
    env.TML_LOG_ID ??
    (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined)
  if (logId === undefined)
    throw new RegistryCommandError(`give the log with --log-id (or TML_LOG_ID, or ${file})`, 2)
  if (!isHex(logId, 32))
    throw new RegistryCommandError(`the log id must be 0x + 64 hex digits, got "${logId}"`, 2)
  const dryRun = values['dry-run'] === true
  const targets = await registryTargets(chainOptions(values, env))
  const sender = await registrySender({
    keystore: values.keystore,
    passwordFile: values['password-file'],
    env,
    dryRun,
  })
  const results = await runRegistryCalls({
    io,
    command: 'tml log retire',
    targets,
    sender,
    dryRun,
    json: values.json === true,
    extra: { logId },
    plan: async (target) => ({
      address: target.lantern,
      abi: lanternRegistryAbi,
      functionName: 'retireLog',
      args: [logId as Hex],
    }),
  })
  return exitCodeOf(results)
}
