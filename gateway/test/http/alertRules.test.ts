// docs/alerts.yml against a real gateway's /metrics: every metric an alert expression names, and
// every label it matches on, is one the gateway serves, so the rules cannot drift from the code.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { oneChainConfig, useOneChain } from '../anchoring/oneChain.ts'
import { eventually, postDecision, startAnchoredGateway } from '../e2e/anchoredGateway.ts'
import { scrapeMetrics } from '../helpers/scrapeMetrics.ts'

const RULES = new URL('../../../docs/alerts.yml', import.meta.url)

type Rule = {
  alert: string
  expr: string
  for: string
  labels: { severity: string }
  annotations: { summary: string; description: string }
}

/** The rules of the file, each checked for the fields Prometheus and on-call need. */
function loadRules(): Rule[] {
  const doc = parse(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }
  assert.ok(Array.isArray(doc.groups) && doc.groups.length > 0, 'groups')
  const rules = doc.groups.flatMap((g) => {
    assert.match(g.name, /^tml-/)
    assert.ok(Array.isArray(g.rules) && g.rules.length > 0, `rules of ${g.name}`)
    return g.rules
  })
  for (const r of rules) {
    assert.match(r.alert, /^Tml[A-Za-z]+$/, 'alert name')
    assert.equal(typeof r.expr, 'string', `${r.alert}: expr`)
    assert.match(r.for, /^\d+[smh]$/, `${r.alert}: for`)
    assert.ok(['warning', 'critical'].includes(r.labels?.severity), `${r.alert}: severity`)
    assert.ok(r.annotations?.summary && r.annotations.description, `${r.alert}: annotations`)
  }
  assert.equal(new Set(rules.map((r) => r.alert)).size, rules.length, 'alert names are unique')
  return rules
}

describe('docs/alerts.yml', () => {
  const fixture = useOneChain()

  test('consistency: every tml_ metric and label in every alert expression is served by a gateway that anchors and decides', async (t) => {
    const rules = loadRules()
    const f = fixture()
    // A cadence, so that the lag alert's threshold has a value to read (the first anchor is due at once).
    const gw = await startAnchoredGateway(f, {
      chains: [oneChainConfig(f, { cadence: { intervalMs: 30_000 } })],
      epochSize: 1,
    })
    t.after(() => gw.close())
    const lane = gw.gateway.lane
    assert.ok(lane)
    const a = await postDecision<{ seq: number }>(gw, { profile: 'finance' })
    await eventually(() => (lane.isAnchored(a.seq) ? true : undefined), 20_000, 'anchored')
    await eventually(
      () => (lane.chainStatus()[0]?.relayerBalanceWei != null ? true : undefined),
      20_000,
      'balance read',
    )
    const url = await gw.app.listen({ host: '127.0.0.1', port: 0 })
    const scrape = await scrapeMetrics(`${url}/metrics`)
    const served = scrape.names
    assert.equal(scrape.value('tml_anchor_cadence_seconds{chain="ethereum",chain_id="31337"}'), 30)

    const used = new Set<string>()
    for (const r of rules) {
      const names = [...r.expr.matchAll(/\b(tml_[a-z0-9_]+)\b/g)].map((m) => m[1] as string)
      assert.ok(names.length > 0, `${r.alert} names a tml_ metric`)
      for (const name of names) {
        assert.ok(served.has(name), `${r.alert}: ${name} is not served by the gateway`)
        used.add(name)
      }
      // Label matchers (`name{label="…"}`) name labels the metric has.
      for (const m of r.expr.matchAll(/\b(tml_[a-z0-9_]+)\{([^}]*)\}/g)) {
        for (const l of (m[2] as string).matchAll(/([a-zA-Z_]\w*)\s*(?:=|!=|=~|!~)/g))
          assert.ok(
            served.get(m[1] as string)?.has(l[1] as string),
            `${r.alert}: ${m[1]} has no label ${l[1]}`,
          )
      }
    }
    // What an operator must be told about, each by at least one rule.
    for (const name of [
      'tml_anchor_lag_seconds',
      'tml_anchor_cadence_seconds',
      'tml_anchor_relayer_balance_wei',
      'tml_anchor_fees_spent_wei_total',
      'tml_anchor_fee_waiting',
      'tml_anchor_rpc_errors_total',
      'tml_store_available',
      'tml_decisions_total',
      'tml_decision_duration_seconds_bucket',
    ])
      assert.ok(used.has(name), `no alert on ${name}`)
  })
})
