import assert from 'node:assert/strict'

/** A scraped exposition: samples by `name{labels}` as written, and metric families by name. */
export type Scrape = {
  text: string
  /** Value of the sample written `name{labels}` (labels in the exposition's order), if any. */
  value(sample: string): number | undefined
  /** Metric families (from `# TYPE name type` lines) and their types. */
  families: ReadonlyMap<string, string>
  /** Names of the samples written (a histogram's `_bucket`, `_sum`, `_count`), with their label names. */
  names: ReadonlyMap<string, ReadonlySet<string>>
}

/**
 * GETs `url` (a gateway's `/metrics` on 127.0.0.1) and parses the Prometheus text format
 * 0.0.4 as a scraper would: every sample line is `name{labels} value`.
 */
export async function scrapeMetrics(url: string): Promise<Scrape> {
  const res = await fetch(url)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return parseExposition(await res.text())
}

/** Parses Prometheus text format 0.0.4 (see {@link scrapeMetrics}). */
export function parseExposition(text: string): Scrape {
  const samples = new Map<string, number>()
  const families = new Map<string, string>()
  const names = new Map<string, Set<string>>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type) {
      families.set(type[1] as string, type[2] as string)
      continue
    }
    if (line.startsWith('#')) continue
    const sample = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line)
    assert.ok(sample, `not a sample line: ${line}`)
    const raw = sample[2] as string
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw)
    assert.ok(!Number.isNaN(value) || raw === 'NaN', `not a value: ${line}`)
    samples.set(sample[1] as string, value)
    const [name = '', labels = ''] = (sample[1] as string).split(/[{}]/)
    const labelNames = names.get(name) ?? new Set<string>()
    for (const m of labels.matchAll(/([a-zA-Z_]\w*)="/g)) labelNames.add(m[1] as string)
    names.set(name, labelNames)
  }
  return { text, value: (s) => samples.get(s), families, names }
}
