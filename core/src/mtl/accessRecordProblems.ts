import { bytesToHex } from '../bytes/hex.ts'
import { sha256 } from '../hash/sha256.ts'
import { canonicalBytes } from '../jcs/canonicalBytes.ts'
import { accessTraceId } from './accessTraceId.ts'

/**
 * What an `access` record says beyond its schema, checked: its `trace_id` must be the one derived
 * from the chain coordinates its `access` member claims ({@link accessTraceId}), and its
 * `input_hash` the SHA-256 of that member's RFC 8785 form. Without this a gateway could log an
 * access record whose id names another event (hiding a release behind a duplicate of an
 * approval) or whose member is not what was hashed. Returns one message per problem, none for a
 * sound record; never throws, whatever the value (audit lines are untrusted JSON).
 *
 * @example
 * accessRecordProblems(mtl) // [] or ['trace_id 0190… is not the id of the event it claims (3c0e…)']
 */
export function accessRecordProblems(mtl: {
  trace_id?: unknown
  input_hash?: unknown
  access?: unknown
}): string[] {
  const access = mtl.access as
    | { chain_id?: unknown; contract?: unknown; tx_hash?: unknown; log_index?: unknown }
    | undefined
  if (
    typeof access !== 'object' ||
    access === null ||
    typeof access.chain_id !== 'number' ||
    typeof access.contract !== 'string' ||
    typeof access.tx_hash !== 'string' ||
    typeof access.log_index !== 'number'
  )
    return [
      'the access member does not name a chain event (chain_id, contract, tx_hash, log_index)',
    ]
  const problems: string[] = []
  try {
    const expected = accessTraceId({
      chainId: access.chain_id,
      contract: access.contract,
      txHash: access.tx_hash as `0x${string}`,
      logIndex: access.log_index,
    })
    if (mtl.trace_id !== expected)
      problems.push(
        `trace_id ${String(mtl.trace_id)} is not the id of the event it claims (${expected})`,
      )
    const hashed = bytesToHex(sha256(canonicalBytes(access)))
    if (typeof mtl.input_hash !== 'string' || mtl.input_hash.toLowerCase() !== hashed)
      problems.push(
        `input_hash ${String(mtl.input_hash)} is not the SHA-256 of the access member (${hashed})`,
      )
  } catch (e) {
    problems.push(`the access member cannot be read: ${(e as Error).message}`.slice(0, 200))
  }
  return problems
}
