import { applyOtsOp } from './applyOtsOp.ts'
import type { OtsAttestation, OtsProof, OtsTimestamp } from './OtsProof.ts'

/** An attestation and the message it attests, computed from the file digest. */
export type AttestedMessage = { attestation: OtsAttestation; message: Uint8Array }

/**
 * Replays a proof's commitment operations from its file digest and lists every attestation with
 * the message it attests: for a Bitcoin attestation, the merkle root that block's header must
 * hold. Work is bounded by the parser's limits (operations × message length).
 *
 * Spec: python-opentimestamps `Timestamp.all_attestations`.
 *
 * @throws {InvalidOtsError} when an operation cannot be applied (a message grows too long).
 * @example
 * for (const { attestation, message } of otsAttestations(parseOts(bytes))) console.log(attestation.kind)
 */
export function otsAttestations(proof: OtsProof): AttestedMessage[] {
  const found: AttestedMessage[] = []
  // Depth-first with an explicit stack: the tree is at most OTS_LIMITS.depth deep anyway.
  const stack: { node: OtsTimestamp; message: Uint8Array }[] = [
    { node: proof.timestamp, message: proof.digest },
  ]
  for (let item = stack.pop(); item; item = stack.pop()) {
    for (const attestation of item.node.attestations)
      found.push({ attestation, message: item.message })
    for (let i = item.node.ops.length - 1; i >= 0; i--) {
      const { op, next } = item.node.ops[i] as OtsTimestamp['ops'][number]
      stack.push({ node: next, message: applyOtsOp(op, item.message) })
    }
  }
  return found
}
