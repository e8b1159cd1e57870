// Hardhat Ignition module: the registries deployed (Registries.ts) and bound, the
// LanternRegistry pointing at its CheckpointRegistry. The binding is sent by the deploying
// account, so it needs the deployer to be the admin (the "admin" parameter left at its default
// or set to the deployer's address); scripts/deploy.ts deploys Registries.ts alone otherwise.
//
//   npm run deploy -- sepolia
//   npx hardhat ignition deploy ignition/modules/TmlRegistries.ts --network sepolia \
//     --parameters ignition/parameters/sepolia.json
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules'
import Registries from './Registries.ts'

export default buildModule('TmlRegistries', (m) => {
  const { lanternRegistry, checkpointRegistry, accessRegistry } = m.useModule(Registries)
  m.call(lanternRegistry, 'setCheckpointRegistry', [checkpointRegistry], { id: 'bind' })
  return { lanternRegistry, checkpointRegistry, accessRegistry }
})
