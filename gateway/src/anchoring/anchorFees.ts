/** EIP-1559 fees of one transaction (wei per gas). */
export type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }

/**
 * What to do about fees: send with these, or wait because the market is above the cap.
 * `marketWei` is what inclusion costs now (the base fee plus the tip the market asks).
 */
export type FeeDecision = { send: Fees; marketWei: bigint } | { wait: string; marketWei: bigint }

/** The market's fees, as read from the chain (viem's `estimateFeesPerGas` and the newest block). */
export type MarketFees = Fees & {
  /** The newest block's base fee: what every transaction in the next block pays at least. */
  baseFeePerGas: bigint
}

/**
 * Fees of a first send: the market's estimate, with `maxFeePerGas` lowered to the cap when the
 * estimate's headroom exceeds it. When the base fee plus the tip alone is above the cap no
 * transaction is sent: it could not be mined at the cap, and would only hold the nonce.
 *
 * @example
 * firstSendFees({ market, capWei: 200_000_000_000n }) // { send: { maxFeePerGas, maxPriorityFeePerGas }, marketWei }
 */
export function firstSendFees({
  market,
  capWei,
}: {
  market: MarketFees
  capWei: bigint
}): FeeDecision {
  const marketWei = market.baseFeePerGas + market.maxPriorityFeePerGas
  if (marketWei > capWei) return { wait: overCap(marketWei, capWei), marketWei }
  const maxFeePerGas = min(max(market.maxFeePerGas, marketWei), capWei)
  return {
    send: { maxFeePerGas, maxPriorityFeePerGas: min(market.maxPriorityFeePerGas, maxFeePerGas) },
    marketWei,
  }
}

/**
 * Fees of a replacement (same nonce) of a transaction sent with `previous`: at least 12.5% more
 * for both the fee cap and the tip (nodes refuse a replacement below +10%, geth and Hardhat
 * alike; 12.5% also clears the base fee's largest rise in one block), or the market's fees when
 * they are higher, never above the cap. Waits when the required bump would pass the cap, or when
 * the market is above it.
 *
 * @example
 * replacementFees({ previous: { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, market, capWei: 1_000n })
 * // { send: { maxFeePerGas: 113n, maxPriorityFeePerGas: 12n }, marketWei } (with a quiet market)
 */
export function replacementFees({
  previous,
  market,
  capWei,
}: {
  previous: Fees
  market: MarketFees
  capWei: bigint
}): FeeDecision {
  const marketWei = market.baseFeePerGas + market.maxPriorityFeePerGas
  if (marketWei > capWei) return { wait: overCap(marketWei, capWei), marketWei }
  const neededFee = bump(previous.maxFeePerGas)
  const neededTip = bump(previous.maxPriorityFeePerGas)
  const maxFeePerGas = min(max(neededFee, market.maxFeePerGas, marketWei), capWei)
  const maxPriorityFeePerGas = min(max(neededTip, market.maxPriorityFeePerGas), maxFeePerGas)
  if (maxFeePerGas < neededFee || maxPriorityFeePerGas < neededTip) {
    return {
      wait: `a replacement needs a max fee of ${gwei(neededFee)} gwei, above the cap of ${gwei(capWei)} gwei: the transaction waits at ${gwei(previous.maxFeePerGas)} gwei`,
      marketWei,
    }
  }
  return { send: { maxFeePerGas, maxPriorityFeePerGas }, marketWei }
}

/**
 * Fees to outbid a transaction of ours the node holds at the same nonce when its fees are
 * unknown (a crash lost them, and the node refused `previous` as underpriced): both doubled,
 * within the cap. Waits once `previous` is at the cap: the transaction the node holds pays at
 * least as much, and will be mined or dropped on its own.
 *
 * @example
 * outbidUnknown({ previous: { maxFeePerGas: 10n, maxPriorityFeePerGas: 2n }, capWei: 15n, marketWei: 5n })
 * // { send: { maxFeePerGas: 15n, maxPriorityFeePerGas: 4n }, marketWei: 5n }
 */
export function outbidUnknown({
  previous,
  capWei,
  marketWei,
}: {
  previous: Fees
  capWei: bigint
  marketWei: bigint
}): FeeDecision {
  if (previous.maxFeePerGas >= capWei)
    return {
      wait: `the node holds a transaction of ours at this nonce that pays more than ${gwei(previous.maxFeePerGas)} gwei, the fee cap: waiting for it`,
      marketWei,
    }
  const maxFeePerGas = min(previous.maxFeePerGas * 2n, capWei)
  const maxPriorityFeePerGas = min(max(previous.maxPriorityFeePerGas * 2n, 1n), maxFeePerGas)
  return { send: { maxFeePerGas, maxPriorityFeePerGas }, marketWei }
}

/** `wei` plus 12.5%, rounded up, and at least one more wei. */
export function bump(wei: bigint): bigint {
  return max((wei * 9n + 7n) / 8n, wei + 1n)
}

/** Wei as gwei with up to three decimals, for messages. */
export function gwei(wei: bigint): string {
  const milli = (wei + 500_000n) / 1_000_000n
  const whole = milli / 1000n
  const frac = milli % 1000n
  return frac === 0n
    ? `${whole}`
    : `${whole}.${frac.toString().padStart(3, '0').replace(/0+$/, '')}`
}

function overCap(marketWei: bigint, capWei: bigint): string {
  return `market fee ${gwei(marketWei)} gwei is above the fee cap of ${gwei(capWei)} gwei: anchoring waits`
}

function max(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a))
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}
