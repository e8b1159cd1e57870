import type { Address } from 'viem'

/**
 * Link patterns of a chain's block explorer: `{hash}`, `{number}` and `{address}` are replaced.
 * A chain without an explorer (a local chain) shows plain values.
 */
export type ExplorerPatterns = { tx?: string; block?: string; address?: string }

/** A chain's native currency, as wallets show it (`viem/chains`' `nativeCurrency`). */
export type NativeCurrency = { name: string; symbol: string; decimals: number }

/** Where one registry lives on a chain, and the block from which to read its events. */
export type ContractDeployment = { address: Address; blockNumber: number }

/** One chain the page reads: its RPC URL, explorer and the two registries deployed on it. */
export type ChainConfig = {
  chainId: number
  name: string
  /** JSON-RPC endpoint; without one the chain is listed but cannot be read. */
  rpcUrl: string | undefined
  explorer: ExplorerPatterns
  /** From `viem/chains` (POL on Polygon, ETH on Ethereum); Ether for a chain viem does not know. */
  nativeCurrency: NativeCurrency
  /** Multicall3's address where viem knows it: reads made together go out as one `eth_call`. */
  multicall3: Address | undefined
  lanternRegistry: ContractDeployment | undefined
  checkpointRegistry: ContractDeployment | undefined
  /** Where auditors request access to a log's sealed evidence (EKR), when deployed there. */
  accessRegistry: ContractDeployment | undefined
}

/**
 * Everything the page is configured with. It comes from `deployments/*.json` and `VITE_*`
 * variables at build time, overlaid by `tml.config.json` next to the page at run time
 * (see web/README.md); components never hold addresses or URLs of their own.
 */
export type AppConfig = {
  chains: ChainConfig[]
  /** Gateway suggested in the forms (the user can type another). */
  gatewayUrl: string | undefined
  /**
   * Esplora REST API suggested as the Bitcoin block header source of the timestamp check (the
   * user can type another, or clear it): `VITE_ESPLORA_URL`, or `esploraUrl` in tml.config.json
   * (the local stack names its calendar's stand-in).
   */
  esploraUrl: string | undefined
  /**
   * Test deployments only: accounts for wagmi's mock connector, which sends transactions and
   * signing requests to the chain's RPC node (a development node that holds those accounts).
   */
  mockAccounts: Address[]
  /** Test deployments only: the mock connector refuses to sign, as a reviewer who says no. */
  mockRejectSignatures: boolean
  /**
   * The local stack only (`npm start` serves it in tml.config.json as `testing.devApiKey`): the
   * development API key of a gateway on this machine, so the desk reads the pauses with no paste.
   * Never part of a build; taken only with a loopback `gatewayUrl`.
   */
  devApiKey: string | undefined
}
