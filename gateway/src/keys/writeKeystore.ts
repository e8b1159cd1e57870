import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs'
import { encryptKeystoreJson } from 'ethers'
import { bytesToHex, type Hex, isHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { KeystoreError } from './KeystoreError.ts'

/**
 * geth's `--lightkdf` scrypt cost (N = 4096, p = 6): about a tenth of a second instead of
 * seconds per use, for throwaway and test accounts only (a stolen file is much cheaper to guess).
 */
export const LIGHT_SCRYPT = { N: 4096, r: 8, p: 6 } as const

/**
 * Encrypts a secp256k1 private key (a new random one when none is given) into a Web3 Secret
 * Storage v3 JSON keystore and writes it to `file` (mode 0600, synced, never over an existing
 * file). Returns the address.
 *
 * @throws {KeystoreError} when the key is not 0x + 32 bytes, the password is empty or the file exists.
 * @example
 * const { address } = await writeKeystore({ file: 'operator.json', password })
 */
export async function writeKeystore({
  file,
  password,
  privateKey,
  light = false,
}: {
  file: string
  password: string
  privateKey?: Hex
  /** Use {@link LIGHT_SCRYPT} instead of ethers' default (N = 131072). */
  light?: boolean
}): Promise<{ address: `0x${string}` }> {
  if (password === '') throw new KeystoreError('the keystore password must not be empty')
  // Checked before the seconds of scrypt too; the exclusive open below is what guarantees it.
  if (existsSync(file)) throw new KeystoreError(`${file} exists: a keystore is never overwritten`)
  const key = privateKey ?? bytesToHex(new Uint8Array(randomBytes(32)))
  if (!isHex(key, { strict: true }) || key.length !== 66)
    throw new KeystoreError('the private key must be 0x + 64 hex digits')
  let address: `0x${string}`
  try {
    address = privateKeyToAccount(key).address
  } catch {
    throw new KeystoreError('the private key is not a valid secp256k1 key')
  }
  const json = await encryptKeystoreJson(
    { address, privateKey: key },
    password,
    light ? { scrypt: LIGHT_SCRYPT } : {},
  )
  let fd: number
  try {
    fd = openSync(file, 'wx', 0o600)
  } catch (error) {
    const code = (error as { code?: string }).code
    throw new KeystoreError(
      code === 'EEXIST'
        ? `${file} exists: a keystore is never overwritten`
        : `cannot write ${file}: ${(error as Error).message}`,
    )
  }
  try {
    writeSync(fd, `${json}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  return { address }
}
