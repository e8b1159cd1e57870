import { readFileSync, statSync } from 'node:fs'
import { isHex } from '@tml/core'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { MonitorError } from './MonitorError.ts'

/** The environment variable that holds the reporter's private key. */
export const REPORTER_KEY_ENV = 'TML_REPORTER_KEY'

/**
 * The account that pays for on-chain reports: the private key (32 bytes, 0x hex) from a key file
 * (`--key-file`) or from `TML_REPORTER_KEY`, never from a command-line value, which other users of
 * the machine can read in the process list. A key file readable by group or others is refused.
 * Undefined when neither is given: the caller then only prints what it would submit.
 *
 * @throws {MonitorError} naming the file or variable that holds no key.
 * @example
 * const reporter = readReporterKey({ keyFile: values['key-file'], env: io.env })
 */
export function readReporterKey({
  keyFile,
  env,
}: {
  keyFile: string | undefined
  env: Readonly<Record<string, string | undefined>>
}): LocalAccount | undefined {
  let key: string | undefined
  let where: string
  if (keyFile !== undefined) {
    where = `key file ${keyFile}`
    try {
      if ((statSync(keyFile).mode & 0o077) !== 0)
        throw new MonitorError(`${where} is readable by other users: chmod 600 it`)
      key = readFileSync(keyFile, 'utf8').trim()
    } catch (error) {
      if (error instanceof MonitorError) throw error
      throw new MonitorError(`cannot read the ${where}: ${(error as Error).message}`)
    }
  } else {
    where = REPORTER_KEY_ENV
    key = env[REPORTER_KEY_ENV]
    if (key === undefined || key === '') return undefined
  }
  if (!isHex(key, 32)) throw new MonitorError(`${where} is not a private key (32 bytes of 0x hex)`)
  return privateKeyToAccount(key as `0x${string}`)
}
