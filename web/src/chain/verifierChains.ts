import type { VerifierChain } from '@tml/core'
import type { AppConfig } from '../config/AppConfig.ts'
import { logRangeMemory } from './getEventsChunked.ts'
import { publicClientFor } from './publicClientFor.ts'

/**
 * The chains core's verifier may read, from this page's own configuration (never from a
 * bundle): every configured chain with an RPC URL and a CheckpointRegistry, with both
 * registries pinned, and the CheckpointRegistry's deployment block as the first block of every
 * event search. A chain without them is left out, so an anchor a bundle claims there is
 * reported as not checked.
 *
 * @example await verifyProof({ bundle, chains: verifierChains(config) })
 */
export function verifierChains(config: AppConfig): VerifierChain[] {
  return config.chains.flatMap((chain) =>
    chain.rpcUrl === undefined || chain.checkpointRegistry === undefined
      ? []
      : [
          {
            chainId: chain.chainId,
            client: publicClientFor(chain),
            checkpointRegistry: chain.checkpointRegistry.address,
            lanternRegistry: chain.lanternRegistry?.address,
            // Event searches start where the registry was deployed: public RPC nodes refuse
            // them from block 0.
            fromBlock: BigInt(chain.checkpointRegistry.blockNumber),
            // The range this RPC accepts per search, shared with the page's history reads.
            eventSpan: logRangeMemory(chain),
          },
        ],
  )
}
