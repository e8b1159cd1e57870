import type { ChainAnchorStatus } from '../anchoring/ChainAnchorer.ts'

/** Counters of Always Memory's group commits. */
type GroupCommitStats = {
  readonly commits: number
  readonly appended: number
  readonly failedCommits: number
  readonly commitSeconds: number
}

/** What the metrics count: the gateway's parts that keep counters and gauges (a `Gateway` fits). */
export type MetricsSources = {
  /** Decisions answered, by `state:trigger_type`. */
  service: { readonly counts: ReadonlyMap<string, number> }
  memory: { readonly size: number; readonly available: boolean; readonly stats: GroupCommitStats }
  pauses: { pending(): readonly unknown[] }
  lantern: { readonly subscribers: number }
  /** The anchoring lane, when the gateway anchors: each chain's state, as of its last round. */
  lane?: { chainStatus(): readonly ChainAnchorStatus[] } | undefined
}

/**
 * The gateway's metrics in the Prometheus text exposition format (version 0.0.4): decisions by
 * state and trigger, log size, store health, group commits, open pauses, Lantern subscribers,
 * and per anchoring chain its lag (epochs, seconds), the relayer's balance, the market fee
 * against the cap, replaced transactions and failed RPC requests. Nothing here calls a chain:
 * the anchorers read balances and fees on their own schedule, so a scrape costs no RPC.
 *
 * Spec: Prometheus exposition formats, text format 0.0.4.
 *
 * @example
 * reply.type('text/plain; version=0.0.4').send(metricsText(gateway))
 */
export function metricsText(gateway: MetricsSources): string {
  const lines: string[] = []
  const metric = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: [string, number | bigint][],
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
  }
  const decisions = [...gateway.service.counts].map(([key, n]): [string, number] => {
    const [state, trigger] = key.split(':')
    return [`{state="${state}",trigger_type="${trigger}"}`, n]
  })
  const stats = gateway.memory.stats
  metric('tml_decisions_total', 'counter', 'Decisions answered, by state and trigger.', decisions)
  metric('tml_log_entries', 'gauge', 'Durable MTLs in the log.', [['', gateway.memory.size]])
  metric('tml_store_available', 'gauge', '1 when the log store takes durable writes.', [
    ['', gateway.memory.available ? 1 : 0],
  ])
  metric('tml_group_commits_total', 'counter', 'Group commits to the store.', [['', stats.commits]])
  metric('tml_group_commit_entries_total', 'counter', 'MTLs written by group commits.', [
    ['', stats.appended],
  ])
  metric('tml_group_commit_failures_total', 'counter', 'Group commits that failed.', [
    ['', stats.failedCommits],
  ])
  metric('tml_group_commit_seconds_total', 'counter', 'Time spent in group commits.', [
    ['', stats.commitSeconds],
  ])
  metric('tml_pauses_open', 'gauge', 'Pauses waiting for resolution (Lantern on when > 0).', [
    ['', gateway.pauses.pending().length],
  ])
  metric('tml_lantern_subscribers', 'gauge', 'Clients of the Lantern event stream.', [
    ['', gateway.lantern.subscribers],
  ])
  const chains = gateway.lane?.chainStatus() ?? []
  const perChain = (value: (s: ChainAnchorStatus) => number | bigint | null) =>
    chains.flatMap((s): [string, number | bigint][] => {
      const v = value(s)
      return v === null ? [] : [[`{chain="${label(s.name)}",chain_id="${s.chainId}"}`, v]]
    })
  if (chains.length > 0) {
    metric(
      'tml_anchor_confirmed_epoch',
      'gauge',
      'Newest epoch confirmed on the chain.',
      perChain((s) => s.confirmedEpoch),
    )
    metric(
      'tml_anchor_lag_epochs',
      'gauge',
      'Signed checkpoints not confirmed on the chain yet.',
      perChain((s) => s.lagEpochs),
    )
    metric(
      'tml_anchor_lag_seconds',
      'gauge',
      'Seconds since the oldest checkpoint not confirmed on the chain was signed (0 when caught up).',
      perChain((s) => s.lagSeconds),
    )
    metric(
      'tml_anchor_relayer_balance_wei',
      'gauge',
      "The relayer's balance on the chain, read periodically by the anchorer.",
      perChain((s) => s.relayerBalanceWei),
    )
    metric(
      'tml_anchor_fee_wei',
      'gauge',
      'What inclusion costs on the chain now (base fee plus tip, wei per gas), as last read.',
      perChain((s) => s.marketFeeWei),
    )
    metric(
      'tml_anchor_fee_cap_wei',
      'gauge',
      'Highest max fee per gas the relayer pays on the chain.',
      perChain((s) => s.feeCapWei),
    )
    metric(
      'tml_anchor_fee_waiting',
      'gauge',
      '1 while anchoring on the chain waits because fees are above the cap.',
      perChain((s) => (s.feeWait === null ? 0 : 1)),
    )
    metric(
      'tml_anchor_replacements_total',
      'counter',
      'Anchor transactions replaced or sent again at their nonce.',
      perChain((s) => s.replacements),
    )
    metric(
      'tml_anchor_rpc_errors_total',
      'counter',
      'Failed RPC requests to the chain, on any of its URLs.',
      perChain((s) => s.rpcErrors),
    )
    metric(
      'tml_anchor_round_failures',
      'gauge',
      'Consecutive failed anchoring rounds on the chain (0 when healthy).',
      perChain((s) => s.failures),
    )
  }
  return `${lines.join('\n')}\n`
}

// A label value as the text format wants it: backslash, double quote and newline escaped.
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
