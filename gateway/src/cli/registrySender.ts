import type { Address } from 'viem'
import type { LocalAccount } from 'viem/accounts'
import { openKeystore, readKeystore } from '../keys/readKeystore.ts'
import { RegistryCommandError } from './RegistryCommandError.ts'
import { keystorePassword } from './readSecret.ts'

/** The sender: its address always; its key only when something is to be signed. */
export type Sender = { address: Address; account?: LocalAccount }

/**
 * The sending account from `--keystore` (or TML_KEYSTORE). A dry run only reads the address the
 * keystore declares and asks no password; otherwise the keystore is decrypted.
 *
 * @throws {KeystoreError} on a wrong password or no password source.
 * @throws {RegistryCommandError} when no keystore is given.
 * @example const sender = await registrySender({ keystore, passwordFile, env, dryRun: false })
 */
export async function registrySender({
  keystore,
  passwordFile,
  env,
  dryRun,
}: {
  keystore: string | undefined
  passwordFile: string | undefined
  env: Readonly<Record<string, string | undefined>>
  dryRun: boolean
}): Promise<Sender> {
  const file = keystore ?? env.TML_KEYSTORE
  if (!file)
    throw new RegistryCommandError(
      'give the sending account with --keystore FILE (or TML_KEYSTORE); "tml keystore new|import" makes one',
      2,
    )
  const { address } = openKeystore(file)
  if (dryRun) return { address }
  const password = await keystorePassword({ passwordFile, env })
  return { address, account: await readKeystore({ file, password }) }
}
