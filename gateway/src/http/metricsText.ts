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
}

/**
 * The gateway's metrics in the Prometheus text exposition format (version 0.0.4): decisions by
 * state and trigger, log size, store health, group commits, open pauses, Lantern subscribers.
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
    samples: [string, number][],
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
  return `${lines.join('\n')}\n`
}
