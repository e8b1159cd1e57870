import type { Registry } from 'prom-client'
import type { ChainAnchorStatus } from '../../anchoring/ChainAnchorer.ts'
import { registerScraped, type Sample } from './scrapedMetric.ts'

/** The anchoring lane as the metrics read it: each chain's state, as of its last round. */
export type AnchorMetricSources = { chainStatus(): readonly ChainAnchorStatus[] }

/** Per-chain metrics: name, type, help, and the value of a chain's status (null: no sample). */
const PER_CHAIN: readonly {
  name: string
  type: 'counter' | 'gauge'
  help: string
  value: (s: ChainAnchorStatus) => number | bigint | null
}[] = [
  {
    name: 'tml_anchor_confirmed_epoch',
    type: 'gauge',
    help: 'Newest epoch confirmed on the chain.',
    value: (s) => s.confirmedEpoch,
  },
  {
    name: 'tml_anchor_lag_epochs',
    type: 'gauge',
    help: 'Signed checkpoints not confirmed on the chain yet.',
    value: (s) => s.lagEpochs,
  },
  {
    name: 'tml_anchor_lag_seconds',
    type: 'gauge',
    help: 'Seconds since the oldest checkpoint not confirmed on the chain was signed (0 when caught up).',
    value: (s) => s.lagSeconds,
  },
  {
    name: 'tml_anchor_cadence_seconds',
    type: 'gauge',
    help: 'Longest wait between anchors on the chain by its cadence (0: every checkpoint is anchored).',
    value: (s) => s.cadenceSeconds,
  },
  {
    name: 'tml_anchor_relayer_balance_wei',
    type: 'gauge',
    help: "The relayer's balance on the chain, read periodically by the anchorer.",
    value: (s) => s.relayerBalanceWei,
  },
  {
    name: 'tml_anchor_fee_wei',
    type: 'gauge',
    help: 'What inclusion costs on the chain now (base fee plus tip, wei per gas), as last read.',
    value: (s) => s.marketFeeWei,
  },
  {
    name: 'tml_anchor_fee_cap_wei',
    type: 'gauge',
    help: 'Highest max fee per gas the relayer pays on the chain.',
    value: (s) => s.feeCapWei,
  },
  {
    name: 'tml_anchor_fee_waiting',
    type: 'gauge',
    help: '1 while anchoring on the chain waits because fees are above the cap.',
    value: (s) => (s.feeWait === null ? 0 : 1),
  },
  {
    name: 'tml_anchor_replacements_total',
    type: 'counter',
    help: 'Anchor transactions replaced or sent again at their nonce.',
    value: (s) => s.replacements,
  },
  {
    name: 'tml_anchor_fees_spent_wei_total',
    type: 'counter',
    help: 'Fees paid by the relayer for mined anchor transactions (gas used times effective gas price, each transaction once, replaced ones mined anyway included).',
    value: (s) => s.feesSpentWei,
  },
  {
    name: 'tml_anchor_gas_used_total',
    type: 'counter',
    help: 'Gas used by mined anchor transactions of the relayer.',
    value: (s) => s.gasUsed,
  },
  {
    name: 'tml_anchor_rpc_errors_total',
    type: 'counter',
    help: 'Failed RPC requests to the chain, on any of its URLs.',
    value: (s) => s.rpcErrors,
  },
  {
    name: 'tml_anchor_round_failures',
    type: 'gauge',
    help: 'Consecutive failed anchoring rounds on the chain (0 when healthy).',
    value: (s) => s.failures,
  },
]

/**
 * Registers the anchoring lane's metrics, one sample per chain (labels `chain`, `chain_id`): lag
 * in epochs and seconds, the relayer's balance, the market fee against the cap, fees and gas
 * spent, replaced transactions and failed RPC requests. Nothing here calls a chain: the
 * anchorers read balances and fees on their own schedule, so a scrape costs no RPC. Wei amounts
 * are exposed as Prometheus float64 samples (exact up to 2^53 wei, about 0.009 ether; beyond,
 * to 16 significant digits), which is what Prometheus stores anyway.
 *
 * @example
 * if (gateway.lane) registerAnchorMetrics(registry, gateway.lane)
 */
export function registerAnchorMetrics(registry: Registry, lane: AnchorMetricSources): void {
  for (const metric of PER_CHAIN) {
    registerScraped({
      registry,
      name: metric.name,
      help: metric.help,
      type: metric.type,
      labelNames: ['chain', 'chain_id'],
      samples: () =>
        lane.chainStatus().flatMap((s): Sample[] => {
          const v = metric.value(s)
          return v === null ? [] : [[{ chain: s.name, chain_id: String(s.chainId) }, Number(v)]]
        }),
    })
  }
}
