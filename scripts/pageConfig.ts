// The run-time configuration (tml.config.json, see web/README.md) the stack's page is served
// with: the local chains with their registries, the gateway, the dev reviewer account for
// wagmi's mock connector, and the gateway's development API key (so the desk reads the pauses
// with no paste). Local stack only: a production page is never served with either. Pure:
// deployments, URLs and the key are passed in.
import type { Deployment } from './readDeployment.ts'

/**
 * Hardhat's well-known development account #4: the reviewer the shipped policies list. Public
 * (its key is in Hardhat's documentation), for local chains only.
 */
export const DEV_REVIEWER = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'

/** One chain of the stack: its deployment, the name the page shows and its RPC URL. */
export type StackChain = { name: string; rpcUrl: string; deployment: Deployment }

/** @example pageConfig({ chains, gatewayUrl: 'http://127.0.0.1:8787', devApiKey }).testing.mockAccounts */
export function pageConfig({
  chains,
  gatewayUrl,
  devApiKey,
  esploraUrl,
}: {
  chains: StackChain[]
  gatewayUrl: string
  /** Esplora REST API the page reads Bitcoin block headers from (the local calendar's stand-in). */
  esploraUrl?: string
  /** DATA/dev-api-key: the page takes it only with a loopback gateway URL. */
  devApiKey?: string
}) {
  return {
    chains: chains.map(({ name, rpcUrl, deployment }) => ({
      chainId: deployment.chainId,
      name,
      rpcUrl,
      contracts: {
        LanternRegistry: { ...deployment.contracts.LanternRegistry },
        CheckpointRegistry: { ...deployment.contracts.CheckpointRegistry },
      },
    })),
    gatewayUrl,
    ...(esploraUrl === undefined ? {} : { esploraUrl }),
    // The desk signs as the listed reviewer without a browser wallet: the local node holds the key;
    // and reads the pauses with the development API key (labelled so on the page).
    testing: {
      mockAccounts: [DEV_REVIEWER],
      ...(devApiKey === undefined ? {} : { devApiKey }),
    },
  }
}
