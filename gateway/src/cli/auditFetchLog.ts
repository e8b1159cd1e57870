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
 * @example
 * const log = await fetchLog({ api: 'http://127.0.0.1:8080', token, logId })
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
    const res = await fetch(new URL(path, api), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    })
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`)
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
