/** How many of the configured chains must be caught up: every one, any one, or k of them. */
export type AnchorPolicy = { require: 'all' } | { require: 'any' } | { require: 'k'; k: number }

/** One chain's lag, as {@link anchoringHealth} reads it. */
export type ChainLag = {
  name: string
  /** Leaves anchored and confirmed on the chain. */
  anchoredSize: number
  /** Age of the oldest MTL not anchored there (ms), or null when none is waiting. */
  oldestUnanchoredAgeMs: number | null
  /** Why the chain's anchorer holds back on fees (market above the cap), if it does. */
  feeWait?: string | null | undefined
}

/**
 * No Log = No Action, for anchoring: available while at least the policy's number of chains have
 * no MTL waiting longer than the log's maximum epoch interval; otherwise unavailable, with a
 * reason that names the chains behind, by how much, and whether fees above the cap hold them.
 *
 * Spec: ARCHITECTURE.md, Decisions (No Log = No Action); issue 5 (all, any, or k of n).
 *
 * @example
 * anchoringHealth({ policy: { require: 'all' }, maxEpochIntervalMs: 60_000, chains })
 * // { available: false, reason: 'anchoring behind on polygon: …' }
 */
export function anchoringHealth({
  policy,
  maxEpochIntervalMs,
  chains,
}: {
  policy: AnchorPolicy
  maxEpochIntervalMs: number
  chains: readonly ChainLag[]
}): { available: boolean; reason?: string } {
  if (chains.length === 0) return { available: true }
  const needed =
    policy.require === 'all'
      ? chains.length
      : policy.require === 'any'
        ? 1
        : Math.min(Math.max(1, policy.k), chains.length)
  const behind = chains.filter(
    (c) => c.oldestUnanchoredAgeMs !== null && c.oldestUnanchoredAgeMs > maxEpochIntervalMs,
  )
  if (chains.length - behind.length >= needed) return { available: true }
  const detail = behind
    .map(
      (c) =>
        `${c.name} (MTL ${c.anchoredSize} waiting ${Math.round((c.oldestUnanchoredAgeMs ?? 0) / 1000)} s${c.feeWait ? `; ${c.feeWait}` : ''})`,
    )
    .join(', ')
  return {
    available: false,
    reason: `anchoring behind the maximum epoch interval of ${Math.round(maxEpochIntervalMs / 1000)} s on ${detail}; ${needed} of ${chains.length} chains required`,
  }
}
