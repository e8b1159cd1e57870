import type { Address, PublicClient } from 'viem'
import type { BlockSpan } from '../rpc/searchBlockRanges.ts'

/**
 * The chain reads `verifyProof` makes, a subset of viem's `PublicClient`: any public client
 * (viem's `createPublicClient`, wagmi's `usePublicClient`) fits.
 */
export type VerifierClient = Pick<
  PublicClient,
  | 'getChainId'
  | 'readContract'
  | 'getTransactionReceipt'
  | 'getBlock'
  | 'getBlockNumber'
  | 'getContractEvents'
>

/**
 * One chain as the verifier is configured for it, never as a bundle names it: this is what the
 * verifier trusts.
 *
 * Registry rule: the CheckpointRegistry is pinned here; the LanternRegistry is the one that
 * pinned registry names (`CheckpointRegistry.lantern()`, set once at its deployment), unless
 * `lanternRegistry` is also pinned, and then the two must agree (the `chains` step fails
 * otherwise).
 *
 * @example
 * const chain: VerifierChain = {
 *   chainId: 31337,
 *   client: createPublicClient({ transport: http('http://127.0.0.1:8545') }),
 *   checkpointRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
 * }
 */
export type VerifierChain = {
  /** EIP-155 chain id; the client must answer `eth_chainId` with it. */
  chainId: number
  client: VerifierClient
  /**
   * The CheckpointRegistry this verifier trusts on that chain. Required unless `verifyProof` is
   * called with `trustBundle`: then the bundle's anchor for this chain names it.
   */
  checkpointRegistry?: Address | undefined
  /** The LanternRegistry, if pinned too; by default `checkpointRegistry.lantern()`. */
  lanternRegistry?: Address | undefined
  /**
   * The first block the verifier's event searches read on this chain (`eth_getLogs`): the
   * pinned CheckpointRegistry's deployment block (`blockNumber` in deployments/<network>.json),
   * since it emitted nothing before. Public RPC nodes refuse a search from block 0. Default 0;
   * not applied to a registry the bundle names (`trustBundle`), whose deployment is not known.
   */
  fromBlock?: bigint | undefined
  /**
   * How many blocks one `eth_getLogs` of this chain's RPC asks for, learned and updated in place
   * by the verifier's searches (`searchBlockRanges`, from `fromBlock` to the newest block, in
   * ranges the RPC accepts). Pass the same object to every verification against one RPC so that
   * what it refused once is not asked again; by default each verification starts afresh.
   */
  eventSpan?: BlockSpan | undefined
}
