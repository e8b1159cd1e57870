// Hardhat Ignition module: the two registries, with LanternRegistry's admin and admin delay as
// parameters. It does not bind them: `setCheckpointRegistry` is the admin's to send, and the
// admin may be an account Ignition cannot sign for (a multisig). TmlRegistries.ts adds the
// binding for the usual case where the deployer is the admin.
//
// Parameters (ignition/parameters/<network>.json, under "Registries"):
//   admin        default admin of the LanternRegistry (default: the deploying account)
//   adminDelay   seconds an admin handover waits (default: 259200, three days)
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules'

/** Three days: how long a handover of the LanternRegistry's admin role waits by default. */
export const DEFAULT_ADMIN_DELAY = 3 * 24 * 3600

export default buildModule('Registries', (m) => {
  const admin = m.getParameter('admin', m.getAccount(0))
  const adminDelay = m.getParameter('adminDelay', DEFAULT_ADMIN_DELAY)
  // CheckpointRegistry reads Lantern grants from the LanternRegistry it is built with, so the
  // LanternRegistry comes first.
  const lanternRegistry = m.contract('LanternRegistry', [adminDelay, admin])
  const checkpointRegistry = m.contract('CheckpointRegistry', [lanternRegistry])
  return { lanternRegistry, checkpointRegistry }
})
