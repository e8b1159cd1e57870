import type { CheckpointJson, Hex, SignedReceipt } from '@tml/core'

/** One checkpoint as `GET /v1/logs/{logId}/checkpoints` serves it. */
export type ServedCheckpoint = {
  checkpoint: CheckpointJson
  signature: Hex
  anchors: {
    chainId: number
    registry: Hex
    status: string
    txHash: Hex | null
    blockNumber: number | null
  }[]
}

/** One entry as `GET /v1/logs/{logId}/entries` serves it; `mtlText` is the exact stored text. */
export type ServedEntry = {
  seq: number
  trace_id: string
  leaf_hash: Hex
  mtl: Record<string, unknown>
  receipt: SignedReceipt
}

/** A whole log read from a gateway's API. */
export type FetchedLog = {
  logId: Hex
  claimedKeys: { checkpointSigner: Hex; receiptPublicKey: Hex } | undefined
  checkpoints: ServedCheckpoint[]
  entries: ServedEntry[]
}

const PAGE = 1000

/**
 * Reads a log's checkpoints and entries from a gateway's API, page by page. Every answer is
 * untrusted: only its shape is checked here, the auditor checks the content.
 *
 * @throws {Error} saying that the gateway cannot be reached (and why), refused the API key, or
 *   is not a gateway; or naming the request that failed.
 *
 * @example
 * const log = await fetchLog({ api: 'http://127.0.0.1:8787', token, logId })
 */
export async function fetchLog({
  api,
  token,
  logId,
}: {
  api: string
  token: string | undefined
  logId: Hex
}): Promise<FetchedLog> {
  const get = async (path: string): Promise<unknown> => {
    let res: Response
    try {
      res = await fetch(new URL(path, api), {
        headers: token ? { authorization: `Bearer ${token}` } : {},
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
  const checkpoints: ServedCheckpoint[] = []
  let claimedKeys: FetchedLog['claimedKeys']
  for (let from = 1; ; ) {
    const page = (await get(`/v1/logs/${logId}/checkpoints?from=${from}&limit=${PAGE}`)) as {
      checkpoints?: unknown
      log?: FetchedLog['claimedKeys']
    }
    if (!Array.isArray(page.checkpoints)) throw new Error('checkpoints: not a list')
    claimedKeys ??= page.log
    checkpoints.push(...(page.checkpoints as ServedCheckpoint[]))
    if (page.checkpoints.length < PAGE) break
    from += PAGE
  }
  const entries: ServedEntry[] = []
  for (let start = 0; ; start += PAGE) {
    const page = (await get(`/v1/logs/${logId}/entries?start=${start}&end=${start + PAGE}`)) as {
      entries?: unknown
    }
    if (!Array.isArray(page.entries)) throw new Error('entries: not a list')
    entries.push(...(page.entries as ServedEntry[]))
    if (page.entries.length < PAGE) break
  }
  return { logId, claimedKeys, checkpoints, entries }
}
