import { Histogram } from 'prom-client'

/**
 * Upper bounds (seconds) of the decision latency buckets: a durable decision on a local SQLite
 * log takes well under a millisecond of the gateway's own time, one in PostgreSQL a few
 * milliseconds, and a deliberative hold waits seconds for the chains; 5 s and above is the
 * `+Inf` bucket.
 */
export const DECISION_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]

/** The label values of the histogram, made once: the hot path allocates no label object. */
const RELEASED = { state: '1' }
const PAUSED = { state: '0' }
const REFUSED = { state: '-1' }

/** A decision latency histogram, in no registry yet (each gateway's registry takes its own). */
export type DecisionDurations = {
  /** The prom-client histogram, for a registry's `registerMetric`. */
  readonly histogram: Histogram<'state'>
  /**
   * Records a decision answered in `state` that started at `startedMs` (a `performance.now()`
   * reading): the request's arrival on the API, the decision call on the proxy.
   */
  observe(state: 1 | 0 | -1, startedMs: number): void
}

/**
 * `tml_decision_duration_seconds{state}`: from a decision's start to its durable answer (the MTL
 * in the log with its signed receipt, and anchored too under a deliberative hold); the wait of a
 * long poll on a pause is not part of it. Registered in no registry: a process may run many
 * gateways (the tests do), each with its own registry.
 *
 * @example
 * const durations = decisionDurationHistogram()
 * durations.observe(1, performance.now() - 0.4)
 * registry.registerMetric(durations.histogram)
 */
export function decisionDurationHistogram(): DecisionDurations {
  const histogram = new Histogram<'state'>({
    name: 'tml_decision_duration_seconds',
    help: 'Time from a decision request to its durable answer (API: from the request arrival; proxy: from the decision call, the upstream model excluded), by state.',
    labelNames: ['state'],
    buckets: [...DECISION_DURATION_BUCKETS],
    registers: [],
  })
  return {
    histogram,
    observe(state, startedMs) {
      const labels = state === 1 ? RELEASED : state === 0 ? PAUSED : REFUSED
      histogram.observe(labels, (performance.now() - startedMs) / 1000)
    },
  }
}
