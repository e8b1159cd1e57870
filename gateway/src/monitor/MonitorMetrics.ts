import { createServer, type Server } from 'node:http'
import type { FindingKind } from './Finding.ts'

/**
 * The monitor's counters and gauges, in the Prometheus text exposition format (0.0.4), the same
 * format as the gateway's `/metrics`.
 *
 * @example
 * const metrics = new MonitorMetrics()
 * metrics.finding('same-epoch'); metrics.text() // '# HELP tml_monitor_findings_total …'
 */
export class MonitorMetrics {
  rounds = 0
  roundErrors = 0
  readonly #findings = new Map<FindingKind, number>()
  /** Reports sent, by chain id and outcome. */
  readonly #reports = new Map<string, number>()
  /** Latest epoch seen, by log and source. */
  readonly #latest = new Map<string, bigint>()
  /** Distinct checkpoints held, by log. */
  readonly #checkpoints = new Map<string, number>()
  lastRoundSeconds = 0

  /** Counts a finding. */
  finding(kind: FindingKind): void {
    this.#findings.set(kind, (this.#findings.get(kind) ?? 0) + 1)
  }

  /** Counts a report's outcome on one chain. */
  report(chainId: number, status: string): void {
    const key = `chain_id="${chainId}",status="${status}"`
    this.#reports.set(key, (this.#reports.get(key) ?? 0) + 1)
  }

  /** Sets the latest epoch `source` shows for log `logId`, and the checkpoints held. */
  observe(logId: string, source: string, epoch: bigint, checkpoints: number): void {
    this.#latest.set(`log_id="${logId}",source="${escapeLabel(source)}"`, epoch)
    this.#checkpoints.set(`log_id="${logId}"`, checkpoints)
  }

  /** The exposition text. */
  text(): string {
    const lines: string[] = []
    const metric = (
      name: string,
      type: 'counter' | 'gauge',
      help: string,
      samples: [string, number | bigint][],
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of samples)
        lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`)
    }
    metric('tml_monitor_rounds_total', 'counter', 'Rounds of reading the chains and gateways.', [
      ['', this.rounds],
    ])
    metric(
      'tml_monitor_round_errors_total',
      'counter',
      'Reads of a chain or gateway that failed.',
      [['', this.roundErrors]],
    )
    metric('tml_monitor_last_round_seconds', 'gauge', 'Duration of the last round.', [
      ['', this.lastRoundSeconds],
    ])
    metric(
      'tml_monitor_findings_total',
      'counter',
      'Findings, by kind.',
      [...this.#findings].map(([kind, n]) => [`kind="${kind}"`, n]),
    )
    metric('tml_monitor_reports_total', 'counter', 'On-chain reports, by chain and outcome.', [
      ...this.#reports,
    ])
    metric('tml_monitor_latest_epoch', 'gauge', 'Latest epoch seen, by log and source.', [
      ...this.#latest,
    ])
    metric('tml_monitor_checkpoints', 'gauge', 'Distinct checkpoints held, by log.', [
      ...this.#checkpoints,
    ])
    return `${lines.join('\n')}\n`
  }

  /**
   * Serves `GET /metrics` on 127.0.0.1 (or `host`) at `port` (0: any free port).
   *
   * @example const server = await metrics.listen(9464); server.address()
   */
  listen(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        res.end(this.text())
        return
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
    })
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve(server))
    })
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
