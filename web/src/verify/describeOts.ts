import type { CheckpointJson } from '@tml/core'
import { type OtsSummary, readOts } from './readOts.ts'
import type { ShownStep } from './runVerification.ts'

export const OTS_TITLE = 'OpenTimestamps: the checkpoint root in Bitcoin'

/**
 * The OpenTimestamps line of a verification. The gateway stamps the checkpoint's `rootHash` (32
 * bytes) at its calendars, so the proof's digest must equal the bundle checkpoint's root: a proof
 * of anything else fails the line, showing the expected and found digests. Then it says where the
 * stamp is: pending at which calendars, or the Bitcoin block the proof claims (the page has no
 * Bitcoin node to check that block's header). The line is shown but does not decide the verdict:
 * the chains' anchors do (as in `tml verify`). Never throws.
 *
 * @example describeOts(bundle.ots, bundle.checkpoint).step.reason
 */
export function describeOts(
  ots: string | undefined,
  checkpoint: CheckpointJson | undefined,
): { step: ShownStep; summary: OtsSummary | undefined } {
  const line = (status: ShownStep['status'], reason: string, summary?: OtsSummary) => ({
    step: { id: 'ots', title: OTS_TITLE, status, reason },
    summary,
  })
  if (ots === undefined) return line('info', 'no OpenTimestamps proof in this bundle')
  let summary: OtsSummary
  try {
    summary = readOts(ots)
  } catch (error) {
    return line(
      'warn',
      `the OpenTimestamps proof cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (checkpoint === undefined)
    return line(
      'warn',
      `the proof timestamps ${summary.digest}, but the bundle has no well-formed checkpoint to compare it with`,
      summary,
    )
  const expected = checkpoint.rootHash.toLowerCase()
  if (summary.digest.toLowerCase() !== expected)
    return line(
      'failed',
      `the proof timestamps another digest than the checkpoint's root hash: expected ${expected}, found ${summary.digest}`,
      summary,
    )
  return line('info', `timestamps the checkpoint's root hash; ${where(summary)}`, summary)
}

/** Where the stamp is: in a Bitcoin block (as claimed), and/or pending at calendars. */
function where(summary: OtsSummary): string {
  const parts: string[] = []
  if (summary.bitcoinBlocks.length > 0)
    parts.push(
      `claims Bitcoin block ${summary.bitcoinBlocks.join(', ')} (check the block header with \`ots verify\`)`,
    )
  if (summary.pending.length > 0)
    parts.push(
      `pending at ${summary.pending.join(', ')}${summary.bitcoinBlocks.length > 0 ? '' : ': not in a Bitcoin block yet'}`,
    )
  if (parts.length === 0) parts.push('no attestation this page can read')
  return parts.join('; ')
}
