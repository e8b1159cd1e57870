import type { VerificationStep } from '../../bundle/VerificationStep.ts'
import { base64ToBytes } from '../../bytes/base64.ts'
import type { Hex } from '../../bytes/hex.ts'
import { InvalidOtsError } from '../../ots/InvalidOtsError.ts'
import { type BitcoinHeaderSource, verifyOtsBitcoin } from '../../ots/verifyOtsBitcoin.ts'

/** Parameters of {@link bitcoinStep}. */
export type BitcoinStepParameters = {
  /** The bundle's `ots` (base64 of the `.ots` file), undefined when it has none. */
  ots: string | undefined
  /** The checkpoint root the proof must timestamp; undefined when the checkpoint is malformed. */
  rootHash: Hex | undefined
  /** The verifier's Bitcoin header source (Esplora); undefined when none is configured. */
  fetchHeader: BitcoinHeaderSource | undefined
}

const ID = 'ots'
const TITLE = 'The checkpoint is timestamped in Bitcoin'

/**
 * Step `ots`: the bundle's OpenTimestamps proof must be well formed and timestamp the
 * checkpoint's root; each Bitcoin attestation must match its block header's merkle root.
 * Outcomes: `pass` with the block's height and time; `fail` for a malformed proof, another
 * digest, or a header that does not match; `notice` when the calendars have not put it in a
 * block yet (waiting for Bitcoin, a few hours) or the bundle has no proof; `unchecked` when
 * there is a Bitcoin attestation but no header could be had.
 *
 * Spec: docs/formats.md, OpenTimestamps; python-opentimestamps verification.
 *
 * @example
 * onStep(await bitcoinStep({ ots: parts.ots, rootHash: parts.checkpoint?.rootHash, fetchHeader }))
 */
export async function bitcoinStep({
  ots,
  rootHash,
  fetchHeader,
}: BitcoinStepParameters): Promise<VerificationStep> {
  if (ots === undefined)
    return step('notice', 'This bundle has no Bitcoin timestamp.', 'no ots in the bundle')
  let result: Awaited<ReturnType<typeof verifyOtsBitcoin>>
  try {
    result = await verifyOtsBitcoin({ ots: base64ToBytes(ots), fetchHeader })
  } catch (e) {
    const detail = e instanceof InvalidOtsError ? e.shortMessage : 'not base64'
    return step('fail', 'The Bitcoin timestamp file is damaged or not a timestamp.', detail)
  }
  if (rootHash === undefined)
    return step(
      'unchecked',
      'The Bitcoin timestamp was not checked: the checkpoint is malformed.',
      `ots digest ${result.digest}`,
    )
  if (result.digest !== rootHash.toLowerCase())
    return step(
      'fail',
      'The Bitcoin timestamp is for something else than this checkpoint.',
      `the .ots digest is ${result.digest}, the checkpoint root is ${rootHash}`,
    )
  const mismatch = result.bitcoin.find((b) => b.status === 'mismatch')
  if (mismatch?.status === 'mismatch')
    return step(
      'fail',
      `The Bitcoin timestamp claims block ${mismatch.height}, but that block does not contain it.`,
      `block ${mismatch.height} (${mismatch.blockHash}) has merkle root ${mismatch.found}; the proof leads to ${mismatch.expected}`,
    )
  const verified = result.bitcoin.filter((b) => b.status === 'verified')
  const first = verified.sort((a, b) => a.height - b.height)[0]
  if (first?.status === 'verified') {
    const at = new Date(first.blockTime * 1000).toISOString()
    return step(
      'pass',
      undefined,
      `in Bitcoin block ${first.height} (${first.blockHash}), block time ${at}`,
    )
  }
  const unavailable = result.bitcoin.find((b) => b.status === 'unavailable')
  if (unavailable?.status === 'unavailable')
    return step(
      'unchecked',
      `The timestamp claims Bitcoin block ${unavailable.height}, which was not checked: no block header could be read.`,
      unavailable.reason,
    )
  if (result.pending.length > 0)
    return step(
      'notice',
      'Waiting for Bitcoin: the timestamp is with the calendar and reaches a Bitcoin block within hours.',
      `pending at ${result.pending.join(', ')}`,
    )
  return step(
    'unchecked',
    'The timestamp holds no attestation this verifier can check.',
    `${result.otherAttestations} attestation(s) of other kinds`,
  )
}

function step(
  outcome: 'pass' | 'fail' | 'unchecked' | 'notice',
  reason: string | undefined,
  detail: string,
): VerificationStep {
  return {
    id: ID,
    title: TITLE,
    ok: outcome !== 'fail',
    outcome,
    ...(reason === undefined ? {} : { reason }),
    detail,
  }
}
