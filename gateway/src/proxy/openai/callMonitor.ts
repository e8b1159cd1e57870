/** What a moderation-format monitor said: the highest score (the harm signal) and each category's. */
export type MonitorScores = { harm: number; flagged: boolean; categories: Record<string, number> }

/**
 * Asks a safety monitor that speaks the format of OpenAI's moderation endpoint
 * (`POST {input}` → `{ results: [{ flagged, category_scores }] }`) about `text`. The harm signal
 * is the highest category score. Resolves undefined when the monitor fails, answers late or
 * answers nonsense: the decision then has no harm score, and a profile that requires one pauses
 * (silence implies risk).
 *
 * Spec: OpenAI API reference, "Moderations"; Sacred Pause Protocol §4.2.
 *
 * @example
 * const scores = await callMonitor({ url: 'http://127.0.0.1:9000/v1/moderations', text, timeoutMs: 2000 })
 */
export async function callMonitor({
  url,
  text,
  timeoutMs,
  fetch: fetchFn = fetch,
}: {
  url: string
  text: string
  timeoutMs: number
  fetch?: typeof fetch
}): Promise<MonitorScores | undefined> {
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: text }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!response.ok) return undefined
    const body = (await response.json()) as { results?: unknown }
    if (!Array.isArray(body.results) || body.results.length === 0) return undefined
    const categories: Record<string, number> = {}
    let flagged = false
    for (const r of body.results as { flagged?: unknown; category_scores?: unknown }[]) {
      if (r?.flagged === true) flagged = true
      const scores = r?.category_scores
      if (scores === null || typeof scores !== 'object') return undefined
      for (const [name, v] of Object.entries(scores)) {
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) return undefined
        categories[name] = Math.max(categories[name] ?? 0, v)
      }
    }
    const values = Object.values(categories)
    if (values.length === 0) return undefined
    return { harm: Math.max(...values), flagged, categories }
  } catch {
    return undefined
  }
}
