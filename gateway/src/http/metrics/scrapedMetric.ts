import { Counter, Gauge, type Registry } from 'prom-client'

/** One sample read at scrape time: its labels (in the order they are written) and its value. */
export type Sample = readonly [labels: Readonly<Record<string, string>>, value: number]

/** Parameters of {@link registerScraped}. */
export type ScrapedMetric = {
  registry: Registry
  name: string
  help: string
  type: 'counter' | 'gauge'
  /** Label names; none for a single-sample metric. */
  labelNames?: readonly string[]
  /** The samples as the gateway's parts hold them now. */
  samples: () => Iterable<Sample>
}

/**
 * Registers a metric whose samples are read from the gateway's own counters and gauges when
 * Prometheus scrapes (prom-client's `collect`): the decision path keeps incrementing plain
 * numbers, and nothing is copied between scrapes. A counter read this way is the source's running
 * total, so it is set (reset, then incremented by the total), never added to.
 *
 * @example
 * registerScraped({ registry, name: 'tml_log_entries', help: 'Durable MTLs.', type: 'gauge', samples: () => [[{}, memory.size]] })
 */
export function registerScraped(m: ScrapedMetric): void {
  const config = {
    name: m.name,
    help: m.help,
    labelNames: [...(m.labelNames ?? [])],
    registers: [m.registry],
  }
  if (m.type === 'counter') {
    new Counter({
      ...config,
      collect() {
        this.reset()
        for (const [labels, value] of m.samples()) this.inc({ ...labels }, value)
      },
    })
  } else {
    new Gauge({
      ...config,
      collect() {
        this.reset()
        for (const [labels, value] of m.samples()) this.set({ ...labels }, value)
      },
    })
  }
}
