import { readFileSync } from 'node:fs'
import { decryptKeystoreJson, isKeystoreJson } from 'ethers'
import { type Address, getAddress, type Hex } from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { KeystoreError } from './KeystoreError.ts'

/** The parsed, still encrypted keystore: its file and the address it says it holds. */
export type KeystoreFile = { file: string; json: string; address: Address }

/**
 * Reads a Web3 Secret Storage (v3) JSON keystore, the file geth, ethers, viem users and
 * MetaMask exports share, without decrypting it: the address it declares (what
 * `tml keystore address` prints).
 *
 * @throws {KeystoreError} naming the file when it cannot be read or is not a v3 keystore.
 * @example openKeystore('operator.json').address // '0x7099…79C8'
 */
export function openKeystore(file: string): KeystoreFile {
  let json: string
  try {
    json = readFileSync(file, 'utf8')
  } catch (error) {
    throw new KeystoreError(`cannot read the keystore ${file}: ${(error as Error).message}`)
  }
  if (!isKeystoreJson(json))
    throw new KeystoreError(
      `${file} is not a Web3 Secret Storage keystore (JSON with version 3 and an encrypted "crypto" section)`,
    )
  const declared = (JSON.parse(json) as { address?: unknown }).address
  let address: Address
  try {
    const hex = typeof declared === 'string' ? declared : ''
    address = getAddress(hex.startsWith('0x') ? hex : `0x${hex}`)
  } catch {
    throw new KeystoreError(`${file} has no valid "address" field`)
  }
  return { file, json, address }
}

/**
 * Decrypts a keystore with its password into a viem account that signs transactions. The key
 * is held in memory only; it never passes through the command line or the environment.
 *
 * Spec: Web3 Secret Storage Definition (scrypt or pbkdf2, aes-128-ctr, keccak256 MAC).
 *
 * @throws {KeystoreError} on a wrong password, or a file whose key does not match its address.
 * @example
 * const account = await readKeystore({ file: 'operator.json', password })
 * await wallet.writeContract({ ...request, account })
 */
export async function readKeystore({
  file,
  password,
}: {
  file: string
  password: string
}): Promise<LocalAccount & { privateKey: Hex }> {
  const keystore = openKeystore(file)
  let privateKey: Hex
  try {
    privateKey = (await decryptKeystoreJson(keystore.json, password)).privateKey as Hex
  } catch (error) {
    const e = error as { code?: string; argument?: string; shortMessage?: string }
    if (e.code === 'INVALID_ARGUMENT' && e.argument === 'password')
      throw new KeystoreError(`wrong password for the keystore ${file}`)
    if (/address\/privateKey mismatch/.test(e.shortMessage ?? ''))
      throw new KeystoreError(
        `the keystore ${file} says ${keystore.address} but holds the key of another account`,
      )
    throw new KeystoreError(
      `cannot decrypt the keystore ${file}: ${e.shortMessage ?? (error as Error).message}`,
    )
  }
  const account = privateKeyToAccount(privateKey)
  if (account.address !== keystore.address)
    throw new KeystoreError(
      `the keystore ${file} says ${keystore.address} but holds the key of ${account.address}`,
    )
  return Object.assign(account, { privateKey })
}
