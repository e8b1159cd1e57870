import { chainDefinition } from './chainDefinition.ts'

/** How often to look at one chain, and how long its transactions may wait, from its block time. */
export type ChainTimings = {
  /** The chain's block time (ms); 0 for a local development chain that mines on demand. */
  blockTimeMs: number
  /** Pause between two receipt polls while a transaction of ours is out (ms). */
  receiptPollMs: number
  /** Pause between anchoring rounds when nothing is to do (ms). */
  roundPollMs: number
  /** A transaction not mined this long after it was sent is replaced with a higher fee (ms). */
  replaceAfterMs: number
}

/** Local development chains (Hardhat, Anvil, Ganache): they mine on send, so poll fast. */
const LOCAL_CHAIN_IDS = new Set([31337, 31338, 1337])

/**
 * Block times of chains viem knows without one, by chain id: Ethereum's test networks (12 s
 * slots) and Polygon Amoy (2 s).
 */
const BLOCK_TIME_MS: Record<number, number> = {
  11155111: 12_000,
  17000: 12_000,
  560048: 12_000,
  80002: 2_000,
}

/** Block time assumed for a chain nobody told us about (most L2s are at or below it). */
const UNKNOWN_BLOCK_TIME_MS = 2_000

/**
 * The polling and replacement timings of a chain, from its block time (viem's chain definition,
 * then a small table, then 2 s): receipts are polled four times a block (between 250 ms and 4 s,
 * so Ethereum is asked every 3 s rather than 50 times a second), rounds idle half a block, and a
 * transaction waits four blocks (at least 15 s) before it is replaced. Local development chains
 * mine on send: 20 ms receipt polls, 250 ms rounds, replacement after 2 s.
 *
 * @example
 * chainTimings(1) // { blockTimeMs: 12000, receiptPollMs: 3000, roundPollMs: 6000, replaceAfterMs: 48000 }
 */
export function chainTimings(chainId: number): ChainTimings {
  if (LOCAL_CHAIN_IDS.has(chainId))
    return { blockTimeMs: 0, receiptPollMs: 20, roundPollMs: 250, replaceAfterMs: 2_000 }
  const known = chainDefinition({ chainId, name: `chain-${chainId}`, rpcUrl: 'http://unused' })
  const blockTimeMs = known.blockTime ?? BLOCK_TIME_MS[chainId] ?? UNKNOWN_BLOCK_TIME_MS
  return {
    blockTimeMs,
    receiptPollMs: clamp(Math.round(blockTimeMs / 4), 250, 4_000),
    roundPollMs: clamp(Math.round(blockTimeMs / 2), 250, 6_000),
    replaceAfterMs: Math.max(15_000, blockTimeMs * 4),
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n))
}
