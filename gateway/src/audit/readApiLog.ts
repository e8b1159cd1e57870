import type { Hex } from '@tml/core'
import {
  type ClaimedKeys,
  EXPORT_VERSION,
  type ExportCheckpoint,
  type ExportEntry,
  type ExportLine,
} from './exportFormat.ts'

/** One checkpoint as `GET /v1/logs/{logId}/checkpoints` serves it. */
export type ServedCheckpoint = Omit<ExportCheckpoint, 'type'>

/** One entry as `GET /v1/logs/{logId}/entries` serves it. */
export type ServedEntry = Omit<ExportEntry, 'type'>

/** Most checkpoints or entries asked for at once (the gateway's page limit). */
const PAGE = 1000

/**
 * Reads a log from a gateway's API page by page, as the lines of a `tml export` file: the
 * header, then each entry, each checkpoint right after the entry that completes its tree
 * (`treeSize` entries before it), in order. Nothing but the current pages is held, so a log of
 * any size streams in bounded memory. Entries appended while it reads are included until the
 * newest checkpoint it saw is covered; a checkpoint naming more entries than the API serves
 * comes last (the auditor reports it). Every answer is untrusted: only its shape is checked here.
 *
 * @throws {Error} saying that the gateway cannot be reached (and why), refused the API key, or
 *   is not a gateway; or naming the request that failed.
 *
 * @example
 * for await (const line of readApiLog({ api: 'http://127.0.0.1:8787', token, logId })) write(line)
 */
export async function* readApiLog({
  api,
  token,
  logId,
}: {
  api: string
  token: string | undefined
  logId: Hex
}): AsyncGenerator<ExportLine> {
  const get = apiGetter(api, token)
  const queue: ServedCheckpoint[] = []
  let nextEpoch = 1
  let claimed: ClaimedKeys | undefined
  // Reads the next page of checkpoints; false when the API has no more for now.
  const moreCheckpoints = async (): Promise<boolean> => {
    const page = (await get(`/v1/logs/${logId}/checkpoints?from=${nextEpoch}&limit=${PAGE}`)) as {
      checkpoints?: unknown
      log?: ClaimedKeys
    }
    if (!Array.isArray(page.checkpoints)) throw new Error('checkpoints: not a list')
    claimed ??= page.log
    for (const c of page.checkpoints as ServedCheckpoint[]) {
      if (typeof c?.checkpoint?.epoch !== 'number') throw new Error('checkpoints: not checkpoints')
      queue.push(c)
      nextEpoch = c.checkpoint.epoch + 1
    }
    return page.checkpoints.length === PAGE
  }
  let more = await moreCheckpoints()
  yield {
    type: 'header',
    v: EXPORT_VERSION,
    log_id: logId,
    log: claimed ?? null,
    source: api,
    created: new Date().toISOString(),
  }
  const due = () => queue[0]?.checkpoint.treeSize
  let written = 0
  const ready = async function* (): AsyncGenerator<ExportLine> {
    for (;;) {
      if (queue.length === 0 && more) more = await moreCheckpoints()
      const size = due()
      if (size === undefined || size > written) return
      yield { type: 'checkpoint', ...(queue.shift() as ServedCheckpoint) }
    }
  }
  yield* ready()
  let stalled = false
  for (;;) {
    const entries = await readEntryPage(get, logId, written, written + PAGE)
    for (const e of entries) {
      yield { type: 'entry', ...e }
      written++
      yield* ready()
    }
    if (entries.length === PAGE) continue
    // The end of the entries for now: checkpoints closed meanwhile may cover entries appended
    // since; read on until the newest one is covered, unless the API stops serving entries.
    do more = await moreCheckpoints()
    while (more)
    yield* ready()
    const waiting = due()
    if (waiting === undefined || stalled) break
    stalled = entries.length === 0
  }
  for (const c of queue) yield { type: 'checkpoint', ...c }
}

/**
 * One page of `GET /v1/logs/{logId}/entries`: the entries [start, end) the gateway serves (fewer
 * at the end of its log; at most its page limit of 1000). Only the answer's shape is checked:
 * a list; callers check the entries themselves.
 *
 * @throws {Error} as `get` does, or saying the answer holds no list of entries.
 *
 * @example
 * const entries = await readEntryPage(apiGetter(api, token), logId, 0, 1000)
 */
export async function readEntryPage(
  get: (path: string) => Promise<unknown>,
  logId: Hex,
  start: number,
  end: number,
): Promise<ServedEntry[]> {
  const page = (await get(`/v1/logs/${logId}/entries?start=${start}&end=${end}`)) as {
    entries?: unknown
  } | null
  if (!Array.isArray(page?.entries)) throw new Error('entries: not a list')
  return page.entries as ServedEntry[]
}

/**
 * A GET of the gateway's JSON API that turns each way of failing into one clear sentence: the
 * gateway cannot be reached (and why), refused the API key, is not a gateway, or answered an
 * error status. With `timeoutMs`, a request that takes longer fails.
 *
 * @example
 * const get = apiGetter('http://127.0.0.1:8787', token); await get('/v1/logs/0x…/entries')
 */
export function apiGetter(
  api: string,
  token: string | undefined,
  timeoutMs?: number,
): (path: string) => Promise<unknown> {
  return async (path) => {
    let res: Response
    try {
      res = await fetch(new URL(path, api), {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        // A long-running caller (tml monitor) must not hang on a gateway that never answers.
        ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      })
    } catch (error) {
      // fetch says only "fetch failed"; why (refused, unknown host, reset) is in its cause.
      const cause = (error as Error).cause as { message?: string } | undefined
      throw new Error(
        `cannot reach the gateway at ${api}: ${cause?.message ?? (error as Error).message}`,
      )
    }
    if (res.status === 401 || res.status === 403) {
      throw new Error(
        `the gateway at ${api} refused ${token ? 'the API key' : 'a request without an API key'} (HTTP ${res.status}): pass --api-key or set TML_API_KEY`,
      )
    }
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`)
    // Another server on that port (the page, a proxy) answers HTML, not a gateway's JSON.
    if (!(res.headers.get('content-type') ?? '').includes('json')) {
      throw new Error(
        `${api} does not answer as a TML gateway (GET ${path}: ${res.headers.get('content-type') ?? 'no content type'})`,
      )
    }
    return res.json()
  }
}
