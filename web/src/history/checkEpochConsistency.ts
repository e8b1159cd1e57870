import { checkConsistency, hexToBytes, isHex } from '@tml/core'
import type { EpochRow } from './analyzeEpochs.ts'

/** Whether an epoch's tree extends the previous epoch's, as checked in the browser. */
export type ConsistencyResult =
  | { status: 'ok' }
  | { status: 'failed'; reason: string }
  /** Not checked: nothing to prove (first epoch) or no proof could be fetched. */
  | { status: 'unchecked'; reason: string }

const MAX_PROOF_NODES = 128

/**
 * The URL of the consistency proof between two tree sizes at a gateway:
 * `GET {gateway}/v1/consistency?first={size1}&second={size2}`, answered with
 * `{ "proof": ["0x…32 bytes", …] }` (RFC 9162 §2.1.4 order).
 *
 * @example consistencyUrl('https://gw.example', 5n, 7n)
 */
export function consistencyUrl(gatewayUrl: string, first: bigint, second: bigint): URL {
  const base = new URL(gatewayUrl.trim())
  const url = new URL('v1/consistency', base.href.endsWith('/') ? base : `${base.href}/`)
  url.searchParams.set('first', first.toString())
  url.searchParams.set('second', second.toString())
  return url
}

/**
 * Checks, for each pair of consecutive epochs, that the later tree extends the earlier one: the
 * RFC 9162 consistency proof is fetched from the operator's gateway (untrusted: only the proof
 * is used) and checked here against the two roots the chain holds. Equal sizes need equal roots
 * and no proof. Never throws; `onResult` reports each epoch as it settles.
 *
 * Spec: RFC 9162 §2.1.4.2.
 *
 * @example await checkEpochConsistency({ rows, gatewayUrl, onResult: (epoch, r) => … })
 */
export async function checkEpochConsistency({
  rows,
  gatewayUrl,
  fetchFn = fetch,
  onResult,
}: {
  rows: EpochRow[]
  gatewayUrl: string
  fetchFn?: typeof fetch
  onResult: (epoch: bigint, result: ConsistencyResult) => void
}): Promise<void> {
  const first = rows[0]
  if (first !== undefined)
    onResult(first.epoch, { status: 'unchecked', reason: 'first epoch: nothing before it' })
  for (let i = 1; i < rows.length; i++) {
    const earlier = rows[i - 1] as EpochRow
    const later = rows[i] as EpochRow
    onResult(later.epoch, await checkPair(earlier, later, gatewayUrl, fetchFn))
  }
}

async function checkPair(
  earlier: EpochRow,
  later: EpochRow,
  gatewayUrl: string,
  fetchFn: typeof fetch,
): Promise<ConsistencyResult> {
  const root1 = hexToBytes(earlier.rootHash, 32)
  const root2 = hexToBytes(later.rootHash, 32)
  if (earlier.treeSize === 0n)
    return { status: 'unchecked', reason: 'the previous tree is empty: every tree extends it' }
  let proof: Uint8Array[] = []
  if (earlier.treeSize !== later.treeSize) {
    let url: URL
    try {
      url = consistencyUrl(gatewayUrl, earlier.treeSize, later.treeSize)
    } catch {
      return { status: 'unchecked', reason: 'the gateway URL is not a URL' }
    }
    let body: unknown
    try {
      const response = await fetchFn(url, { headers: { accept: 'application/json' } })
      if (!response.ok)
        return { status: 'unchecked', reason: `the gateway answered ${response.status}` }
      body = await response.json()
    } catch {
      return {
        status: 'unchecked',
        reason:
          'the gateway did not answer with JSON (is it reachable, does it allow this origin?)',
      }
    }
    const nodes = (body as { proof?: unknown } | null)?.proof
    if (
      !Array.isArray(nodes) ||
      nodes.length > MAX_PROOF_NODES ||
      !nodes.every((n) => isHex(n, 32))
    )
      return {
        status: 'failed',
        reason: 'the gateway sent a malformed proof (expected { proof: [32-byte hex, …] })',
      }
    proof = nodes.map((n: string) => hexToBytes(n, 32))
  }
  const result = checkConsistency({
    size1: earlier.treeSize,
    size2: later.treeSize,
    root1,
    root2,
    proof,
  })
  return result.valid ? { status: 'ok' } : { status: 'failed', reason: result.reason }
}
