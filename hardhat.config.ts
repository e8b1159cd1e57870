// Hardhat 3 for the registry contracts: compiler, local chains, public networks.
//
// The compiler is the `solc` npm package (soljson.js) given by `path`: these machines cannot
// download compilers, and Hardhat >= 3.8 does not try when `path` is set.
import { createRequire } from 'node:module'
import hardhatToolboxViemPlugin from '@nomicfoundation/hardhat-toolbox-viem'
import { configVariable, defineConfig } from 'hardhat/config'

const require = createRequire(import.meta.url)
const solcPath: string = require.resolve('solc/soljson.js')
const solcVersion: string = require('solc/package.json').version

// Cancun is the newest EVM that both Ethereum and Polygon PoS run everywhere we deploy.
const evmVersion = 'cancun'

/** Chain ids of the two local chains that stand for Ethereum and Polygon (`npm run chains`). */
export const LOCAL_CHAIN_IDS = { ethereum: 31337, polygon: 31338 } as const

const localUrl = (variable: string, port: number): string =>
  process.env[variable] ?? `http://127.0.0.1:${port}`

export default defineConfig({
  plugins: [hardhatToolboxViemPlugin],
  // Explorer verification (hardhat-verify): `npx hardhat ignition verify chain-<id>` submits every
  // contract of an Ignition deployment, `npx hardhat verify --network <name> <address> <args…>`
  // one contract. Sepolia, Ethereum, Amoy and Polygon are among Hardhat's built-in chain
  // descriptors (Etherscan/PolygonScan and Blockscout URLs), so no custom chain entry is needed.
  verify: {
    // One Etherscan API v2 key serves every chain Etherscan covers, PolygonScan included
    // (`npx hardhat keystore set ETHERSCAN_API_KEY`, or the environment).
    etherscan: { apiKey: configVariable('ETHERSCAN_API_KEY') },
    blockscout: { enabled: true },
    // No key. SOURCIFY_API_URL points at another Sourcify server (a self-hosted one; tests use a
    // stand-in on 127.0.0.1).
    sourcify: {
      enabled: true,
      ...(process.env.SOURCIFY_API_URL ? { apiUrl: process.env.SOURCIFY_API_URL } : {}),
    },
  },
  // Test files only: the runner would count every module under test/, helpers included, as a test.
  paths: { tests: { nodejs: 'test/nodejs' } },
  solidity: {
    profiles: {
      // Tests run on the same optimized bytecode that is deployed, so gas seen in tests is real.
      default: {
        version: solcVersion,
        path: solcPath,
        settings: { evmVersion, optimizer: { enabled: true, runs: 10_000 }, viaIR: true },
      },
      production: {
        version: solcVersion,
        path: solcPath,
        settings: { evmVersion, optimizer: { enabled: true, runs: 10_000 }, viaIR: true },
      },
    },
  },
  networks: {
    // In-process chains for tests, and the chains behind `npm run chains` (`hardhat node`).
    ethereumNode: { type: 'edr-simulated', chainType: 'l1', chainId: LOCAL_CHAIN_IDS.ethereum },
    polygonNode: { type: 'edr-simulated', chainType: 'l1', chainId: LOCAL_CHAIN_IDS.polygon },
    // The running local chains, for `npm run deploy -- ethereumLocal`. Their accounts are the
    // node's well-known development accounts (remote signing), never real keys.
    ethereumLocal: {
      type: 'http',
      chainType: 'l1',
      chainId: LOCAL_CHAIN_IDS.ethereum,
      url: localUrl('ETHEREUM_LOCAL_RPC_URL', 8545),
    },
    polygonLocal: {
      type: 'http',
      chainType: 'l1',
      chainId: LOCAL_CHAIN_IDS.polygon,
      url: localUrl('POLYGON_LOCAL_RPC_URL', 8546),
    },
    // Public networks: RPC URL and deployer key are configuration variables, served by the
    // Hardhat keystore (`npx hardhat keystore set SEPOLIA_PRIVATE_KEY`) or the environment, and
    // read only when a command uses the network; nothing secret is committed. Deploy with
    // `npm run deploy -- <name>` (Ignition; parameters in ignition/parameters/<name>.json).
    sepolia: {
      type: 'http',
      chainType: 'l1',
      chainId: 11155111,
      url: configVariable('SEPOLIA_RPC_URL'),
      accounts: [configVariable('SEPOLIA_PRIVATE_KEY')],
    },
    amoy: {
      type: 'http',
      chainType: 'l1',
      chainId: 80002,
      url: configVariable('AMOY_RPC_URL'),
      accounts: [configVariable('AMOY_PRIVATE_KEY')],
    },
    ethereum: {
      type: 'http',
      chainType: 'l1',
      chainId: 1,
      url: configVariable('ETHEREUM_RPC_URL'),
      accounts: [configVariable('ETHEREUM_PRIVATE_KEY')],
    },
    polygon: {
      type: 'http',
      chainType: 'l1',
      chainId: 137,
      url: configVariable('POLYGON_RPC_URL'),
      accounts: [configVariable('POLYGON_PRIVATE_KEY')],
    },
  },
})
