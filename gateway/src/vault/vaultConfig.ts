import { type CustodianSet, parseCustodians } from './Custodian.ts'
import { VaultError } from './VaultError.ts'

/**
 * The vault settings of `tml gateway start`: on when custodians are configured (`--custodian`,
 * repeatable, or TML_CUSTODIANS comma-separated), off with `--no-vault`. `--vault` asks for it
 * explicitly and is refused without custodians: epoch keys wrapped to nobody could never be opened
 * again, so sealing would only cost time. Returns undefined when the vault is off.
 * @throws {VaultError} `TML_VAULT_CONFIG` naming the value that is wrong.
 *
 * @example
 * vaultConfig({ custodians: ['alice=0x…', 'bob=0x…'], threshold: '2' }) // { set, periodMs: 900000 }
 */
export function vaultConfig({
  custodians,
  threshold,
  vault,
  noVault,
  periodS,
}: {
  custodians: readonly string[]
  threshold?: string | undefined
  vault?: boolean | undefined
  noVault?: boolean | undefined
  periodS?: string | undefined
}): { set: CustodianSet; periodMs: number } | undefined {
  if (vault && noVault)
    throw new VaultError('--vault and --no-vault contradict each other', {
      code: 'TML_VAULT_CONFIG',
    })
  if (noVault) return undefined
  if (custodians.length === 0) {
    if (vault)
      throw new VaultError(
        '--vault needs at least one --custodian NAME=X25519_PUBLIC_KEY_HEX: an epoch key wrapped to nobody can never be opened',
        { code: 'TML_VAULT_CONFIG' },
      )
    return undefined
  }
  const k = threshold === undefined ? undefined : Number(threshold)
  if (k !== undefined && !Number.isInteger(k))
    throw new VaultError(`--custodian-threshold ${threshold}: not an integer`, {
      code: 'TML_VAULT_CONFIG',
    })
  return { set: parseCustodians(custodians, k), periodMs: vaultPeriodMs(periodS) }
}

/**
 * `--vault-epoch-period SEC` in milliseconds (default 900 s).
 * @throws {VaultError} `TML_VAULT_CONFIG` when it is not a whole number of seconds, at least 1.
 * @example vaultPeriodMs('60') // 60000
 */
export function vaultPeriodMs(periodS: string | undefined): number {
  const seconds = periodS === undefined ? 900 : Number(periodS)
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new VaultError(`--vault-epoch-period ${periodS}: a whole number of seconds, at least 1`, {
      code: 'TML_VAULT_CONFIG',
    })
  return seconds * 1000
}
