import { collectDefaultMetrics, Registry } from 'prom-client'
import type { DecisionDurations } from '../../service/decisionDurationHistogram.ts'
import { type AnchorMetricSources, registerAnchorMetrics } from './anchorMetrics.ts'
import { type GatewayMetricSources, registerGatewayMetrics } from './gatewayMetrics.ts'

/** What the metrics read: the gateway's parts that count (a `Gateway` fits). */
export type MetricsSources = GatewayMetricSources & {
  service: GatewayMetricSources['service'] & { readonly durations: DecisionDurations }
  /** The anchoring lane, when the gateway anchors. */
  lane?: AnchorMetricSources | undefined
}

/** Options of {@link createMetricsRegistry}. */
export type MetricsRegistryOptions = {
  /**
   * Also prom-client's process metrics (CPU, memory, heap, event loop lag, GC), prefixed `tml_`.
   * They start an event-loop-delay monitor and a GC observer that prom-client never stops, so
   * only a process that runs one gateway for its lifetime (`tml gateway start`) turns them on;
   * tests that start many gateways in one process leave them off. Default false.
   */
  processMetrics?: boolean
}

/**
 * A Prometheus registry of one gateway's metrics (never prom-client's global registry: one
 * process may run several gateways). Gauges and counters are read from the gateway's parts when
 * scraped; the decision latency histogram is the decision service's own.
 *
 * Spec: Prometheus text exposition format 0.0.4.
 *
 * @example
 * const registry = createMetricsRegistry(gateway)
 * reply.type(registry.contentType).send(await registry.metrics())
 */
export function createMetricsRegistry(
  sources: MetricsSources,
  options: MetricsRegistryOptions = {},
): Registry {
  const registry = new Registry()
  registerGatewayMetrics(registry, sources)
  registry.registerMetric(sources.service.durations.histogram)
  if (sources.lane) registerAnchorMetrics(registry, sources.lane)
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'tml_' })
  return registry
}
