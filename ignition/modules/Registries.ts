// Hardhat Ignition module: the three registries (LanternRegistry, CheckpointRegistry and
// AccessRegistry), with LanternRegistry's admin and admin delay as parameters. It does not bind them: `setCheckpointRegistry` is the admin's to send, and the
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
  // AccessRegistry asks the LanternRegistry who operates a log (only the operator declares its
  // custodians); it needs no binding and no admin. Deployed after the CheckpointRegistry so that
  // the first two keep the addresses they had before it was added (a fresh local chain gives the
  // same addresses as ever).
  const accessRegistry = m.contract('AccessRegistry', [lanternRegistry], {
    after: [checkpointRegistry],
  })
  return { lanternRegistry, checkpointRegistry, accessRegistry }
})
