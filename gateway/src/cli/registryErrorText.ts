import { ContractFunctionRevertedError, BaseError as ViemError } from 'viem'

/** A reverted registry call's custom error: its name and arguments. */
export type RegistryRevert = { errorName: string; args: readonly unknown[] }

/**
 * The custom error a registry call reverted with (decoded by viem from the ABI), or undefined
 * when the failure is not a revert (RPC down, out of gas money…).
 *
 * @example registryRevert(error)?.errorName // 'LanternOperatorAlreadyRegistered'
 */
export function registryRevert(error: unknown): RegistryRevert | undefined {
  if (!(error instanceof ViemError)) return undefined
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
  if (!(reverted instanceof ContractFunctionRevertedError) || !reverted.data?.errorName)
    return undefined
  return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] }
}

const date = (s: unknown) => new Date(Number(s) * 1000).toISOString()

// What the operator can act on, for the errors an operator or a certifier meets; the others are
// printed as Name(args), which the contracts' interfaces document.
const EXPLAIN: Record<string, (a: readonly unknown[]) => string> = {
  LanternOperatorAlreadyRegistered: ([op]) => `operator ${op} is already registered`,
  LanternOperatorNotRegistered: ([who]) =>
    `${who} is not a registered operator: run "tml operator register" first`,
  LanternLogAlreadyDeclared: ([logId]) =>
    `this operator already declared a log with this name (log ${logId}): choose another --name, or it is declared already`,
  LanternNotLogOperator: ([logId, who]) =>
    `${who} is not the operator of log ${logId} (the keystore is not the owner's)`,
  LanternUnknownLog: ([logId]) => `log ${logId} was never declared here`,
  LanternLogRetired: ([logId]) => `log ${logId} is retired`,
  LanternAlreadyCertified: ([op, expiresAt]) =>
    `operator ${op} holds a certification in force until ${date(expiresAt)}: renew it (tml lantern renew) or revoke it first`,
  LanternNotCertified: ([op]) => `operator ${op} holds no certification to renew or revoke`,
  LanternCertificationRevoked: ([op, index]) =>
    `certification ${index} of ${op} is revoked: grant a new one instead`,
  LanternInvalidExpiry: ([expiresAt, earliest]) =>
    `the expiry ${date(expiresAt)} must be at least ${date(earliest)}`,
  LanternInvalidEpochInterval: ([interval, max]) =>
    `the maximum epoch interval ${interval} s is not in (0, ${max}] s`,
  LanternCheckpointRegistryNotSet: () =>
    'the LanternRegistry is not bound to its CheckpointRegistry yet (the deployment admin must set it)',
  AccessControlUnauthorizedAccount: ([who, role]) =>
    `${who} lacks the role ${role} on this registry (a certifier's keystore is needed: the Lantern authority grants the certifier role)`,
  CheckpointUnknownLog: ([logId]) => `log ${logId} was never declared on this chain`,
  CheckpointRotationInvalidSignature: ([logId, index, signer]) =>
    `the statement for key period ${index} of log ${logId} is not signed by ${signer}, the current signer`,
}

/**
 * A reverted registry call as one sentence: what went wrong and what to do, with the custom
 * error's name and arguments.
 *
 * @example registryErrorText({ errorName: 'LanternNotCertified', args: ['0x…'] }) // 'operator 0x… holds no certification to renew or revoke (LanternNotCertified)'
 */
export function registryErrorText(revert: RegistryRevert): string {
  const raw = `${revert.errorName}(${revert.args.map(String).join(', ')})`
  const explain = EXPLAIN[revert.errorName]
  return explain ? `${explain(revert.args)} (${raw})` : `the registry refused: ${raw}`
}
