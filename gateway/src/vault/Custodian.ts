import { type Hex, isHex } from '@tml/core'
import { VaultError } from './VaultError.ts'

/** A custodian of the epoch keys: a name and its X25519 public key (32 bytes, hex). */
export type Custodian = { name: string; publicKey: Hex }

/** Who holds the epoch keys and how many of them it takes to rebuild one. */
export type CustodianSet = { custodians: readonly Custodian[]; threshold: number }

/**
 * Parses `--custodian NAME=X25519_PUBKEY_HEX` values and `--custodian-threshold K` (default: a
 * majority, ⌊n/2⌋ + 1) into a {@link CustodianSet}.
 * @throws {VaultError} `TML_VAULT_CONFIG` naming the value that is wrong: no `=`, an empty or
 *   repeated name, a key that is not 32 bytes of hex, a threshold outside 1…n, more than 255.
 *
 * @example
 * parseCustodians(['alice=0x…', 'bob=0x…', 'carol=0x…'], 2)
 */
export function parseCustodians(values: readonly string[], threshold?: number): CustodianSet {
  const custodians: Custodian[] = []
  for (const value of values) {
    const at = value.indexOf('=')
    const name = value.slice(0, at)
    let key = value.slice(at + 1).toLowerCase()
    if (!key.startsWith('0x')) key = `0x${key}`
    if (at <= 0)
      throw new VaultError(`--custodian ${value}: expected NAME=X25519_PUBLIC_KEY_HEX`, {
        code: 'TML_VAULT_CONFIG',
      })
    if (!isHex(key) || key.length !== 66)
      throw new VaultError(
        `--custodian ${name}: the X25519 public key must be 32 bytes of hex (64 digits)`,
        { code: 'TML_VAULT_CONFIG' },
      )
    if (custodians.some((c) => c.name === name || c.publicKey === key))
      throw new VaultError(`--custodian ${name}: name or key given twice`, {
        code: 'TML_VAULT_CONFIG',
      })
    custodians.push({ name, publicKey: key as Hex })
  }
  const n = custodians.length
  if (n > 255) throw new VaultError(`${n} custodians: at most 255`, { code: 'TML_VAULT_CONFIG' })
  const k = threshold ?? Math.floor(n / 2) + 1
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new VaultError(
      `--custodian-threshold ${k}: must be between 1 and ${n} (the custodians)`,
      {
        code: 'TML_VAULT_CONFIG',
      },
    )
  return { custodians, threshold: k }
}
