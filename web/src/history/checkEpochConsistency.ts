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
 * The URL of the consistency proof between two tree sizes of a log at its gateway (public, no API
 * key): `GET {gateway}/v1/logs/{logId}/consistency?from={size1}&to={size2}`, answered with
 * `{ "from": size1, "to": size2, "proof": ["0x…32 bytes", …] }` (RFC 9162 §2.1.4 order).
 *
 * @example consistencyUrl('https://gw.example', '0xab…', 5n, 7n)
 */
export function consistencyUrl(gatewayUrl: string, logId: string, from: bigint, to: bigint): URL {
  const base = new URL(gatewayUrl.trim())
  const url = new URL(
    `v1/logs/${encodeURIComponent(logId)}/consistency`,
    base.href.endsWith('/') ? base : `${base.href}/`,
  )
  url.searchParams.set('from', from.toString())
  url.searchParams.set('to', to.toString())
  return url
}

/**
 * Checks, for each pair of consecutive epochs, that the later tree extends the earlier one: the
 * RFC 9162 consistency proof is fetched from the operator's gateway (untrusted: its sizes must be
 * the ones asked for, and only the proof is used) and checked here against the two roots the chain
 * holds. Equal sizes need equal roots
 * and no proof. Never throws; `onResult` reports each epoch as it settles.
 *
 * Spec: RFC 9162 §2.1.4.2.
 *
 * @example await checkEpochConsistency({ rows, logId, gatewayUrl, onResult: (epoch, r) => … })
 */
export async function checkEpochConsistency({
  rows,
  logId,
  gatewayUrl,
  fetchFn = fetch,
  onResult,
}: {
  rows: EpochRow[]
  /** The log the rows belong to (the history's log). */
  logId: string
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
    onResult(later.epoch, await checkPair(earlier, later, logId, gatewayUrl, fetchFn))
  }
}

async function checkPair(
  earlier: EpochRow,
  later: EpochRow,
  logId: string,
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
      url = consistencyUrl(gatewayUrl, logId, earlier.treeSize, later.treeSize)
    } catch {
      return { status: 'unchecked', reason: 'the gateway URL is not a URL' }
    }
    let body: unknown
    try {
      const response = await fetchFn(url, { headers: { accept: 'application/json' } })
      if (!response.ok)
        return {
          status: 'unchecked',
          reason: `the gateway answered ${response.status}${await errorMessage(response)}`,
        }
      body = await response.json()
    } catch {
      return {
        status: 'unchecked',
        reason:
          'the gateway did not answer with JSON (is it reachable, does it allow this origin?)',
      }
    }
    const answer = readAnswer(body, earlier.treeSize, later.treeSize)
    if (typeof answer === 'string') return { status: 'failed', reason: answer }
    proof = answer.map((n) => hexToBytes(n, 32))
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

/**
 * The proof nodes of a gateway's answer, or what is wrong with it. The sizes must be the ones asked
 * for: a proof between other sizes would be checked against the wrong roots.
 */
function readAnswer(body: unknown, from: bigint, to: bigint): string[] | string {
  if (typeof body !== 'object' || body === null)
    return 'the gateway sent a malformed answer (expected { from, to, proof })'
  const { from: gotFrom, to: gotTo, proof } = body as Record<string, unknown>
  if (!sameSize(gotFrom, from) || !sameSize(gotTo, to))
    return `the gateway answered for sizes ${String(gotFrom)} → ${String(gotTo)}, not the ${from} → ${to} asked for`
  if (!Array.isArray(proof) || proof.length > MAX_PROOF_NODES || !proof.every((n) => isHex(n, 32)))
    return 'the gateway sent a malformed proof (expected proof: [32-byte hex, …])'
  return proof as string[]
}

function sameSize(value: unknown, expected: bigint): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && BigInt(value) === expected
  return typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) === expected
}

/** The gateway's `{ message }` on an error answer, shortened, as ": message" (or nothing). */
async function errorMessage(response: Response): Promise<string> {
  try {
    const message = ((await response.json()) as { message?: unknown } | null)?.message
    return typeof message === 'string' && message !== '' ? `: ${message.slice(0, 200)}` : ''
  } catch {
    return ''
  }
}
