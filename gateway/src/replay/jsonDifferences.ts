/** One place where a recorded value and its replay differ. */
export type ReplayDifference = {
  /** JSONPath of the value in the record (`$.causal_graph[2].threshold`). */
  path: string
  /** The value the record holds there; undefined (left out of JSON) when the record has none. */
  recorded: unknown
  /** The value the replay gives there; undefined (left out of JSON) when the replay has none. */
  replayed: unknown
}

/**
 * Every leaf where `recorded` and `replayed` differ, with its JSONPath: objects are compared key
 * by key (a key on one side only is a difference), arrays index by index, numbers exactly (a
 * replay that is off in the last bit is non-determinism, not noise). Key order does not matter.
 *
 * @example
 * jsonDifferences({ state: 0, metrics: { harm: 0.62 } }, { state: 0, metrics: { harm: 0.6 } })
 * // [{ path: '$.metrics.harm', recorded: 0.62, replayed: 0.6 }]
 */
export function jsonDifferences(
  recorded: unknown,
  replayed: unknown,
  path = '$',
): ReplayDifference[] {
  if (Array.isArray(recorded) && Array.isArray(replayed)) {
    const out: ReplayDifference[] = []
    const n = Math.max(recorded.length, replayed.length)
    for (let i = 0; i < n; i++)
      out.push(...jsonDifferences(recorded[i], replayed[i], `${path}[${i}]`))
    return out
  }
  if (isObject(recorded) && isObject(replayed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])].sort()
    return keys.flatMap((key) =>
      jsonDifferences(
        Object.hasOwn(recorded, key) ? recorded[key] : undefined,
        Object.hasOwn(replayed, key) ? replayed[key] : undefined,
        `${path}${memberPath(key)}`,
      ),
    )
  }
  return Object.is(recorded, replayed) || (recorded === 0 && replayed === 0)
    ? []
    : [{ path, recorded, replayed }]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function memberPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}
