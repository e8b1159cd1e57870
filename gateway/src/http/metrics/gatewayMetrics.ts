import type { Registry } from 'prom-client'
import { registerScraped } from './scrapedMetric.ts'

/** Counters of Always Memory's group commits. */
type GroupCommitStats = {
  readonly commits: number
  readonly appended: number
  readonly failedCommits: number
  readonly commitSeconds: number
}

/** The gateway's parts that keep the decision-side counters and gauges (a `Gateway` fits). */
export type GatewayMetricSources = {
  /** Decisions answered, by `state:trigger_type`. */
  service: { readonly counts: ReadonlyMap<string, number> }
  memory: { readonly size: number; readonly available: boolean; readonly stats: GroupCommitStats }
  pauses: { pending(): readonly unknown[] }
  lantern: { readonly subscribers: number }
}

/**
 * Registers the decision side's metrics in `registry`, read from `sources` at scrape time:
 * decisions by state and trigger, log size, store health, group commits, open pauses and
 * Lantern subscribers. Names, types and labels are those of the gateway's first hand-written
 * exposition, so dashboards and alert rules keep working.
 *
 * @example
 * registerGatewayMetrics(registry, gateway)
 */
export function registerGatewayMetrics(registry: Registry, sources: GatewayMetricSources): void {
  const one = (value: () => number) => () => [[{}, value()] as const]
  registerScraped({
    registry,
    name: 'tml_decisions_total',
    help: 'Decisions answered, by state and trigger.',
    type: 'counter',
    labelNames: ['state', 'trigger_type'],
    samples: () =>
      [...sources.service.counts].map(([key, n]) => {
        const [state = '', trigger = ''] = key.split(':')
        return [{ state, trigger_type: trigger }, n] as const
      }),
  })
  const m = sources.memory
  registerScraped({
    registry,
    name: 'tml_log_entries',
    help: 'Durable MTLs in the log.',
    type: 'gauge',
    samples: one(() => m.size),
  })
  registerScraped({
    registry,
    name: 'tml_store_available',
    help: '1 when the log store takes durable writes.',
    type: 'gauge',
    samples: one(() => (m.available ? 1 : 0)),
  })
  registerScraped({
    registry,
    name: 'tml_group_commits_total',
    help: 'Group commits to the store.',
    type: 'counter',
    samples: one(() => m.stats.commits),
  })
  registerScraped({
    registry,
    name: 'tml_group_commit_entries_total',
    help: 'MTLs written by group commits.',
    type: 'counter',
    samples: one(() => m.stats.appended),
  })
  registerScraped({
    registry,
    name: 'tml_group_commit_failures_total',
    help: 'Group commits that failed.',
    type: 'counter',
    samples: one(() => m.stats.failedCommits),
  })
  registerScraped({
    registry,
    name: 'tml_group_commit_seconds_total',
    help: 'Time spent in group commits.',
    type: 'counter',
    samples: one(() => m.stats.commitSeconds),
  })
  registerScraped({
    registry,
    name: 'tml_pauses_open',
    help: 'Pauses waiting for resolution (Lantern on when > 0).',
    type: 'gauge',
    samples: one(() => sources.pauses.pending().length),
  })
  registerScraped({
    registry,
    name: 'tml_lantern_subscribers',
    help: 'Clients of the Lantern event stream.',
    type: 'gauge',
    samples: one(() => sources.lantern.subscribers),
  })
}
