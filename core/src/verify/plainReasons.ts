/**
 * What each failing step means, in words for someone who is not a developer; the technical
 * reason goes beneath it (`detail`).
 *
 * @example PLAIN_REASONS.leafHash
 */
export const PLAIN_REASONS = {
  bundle:
    'The proof file is damaged or not in the expected format, so parts of it cannot be checked.',
  mtl: 'The decision record does not follow the record format: it was not written by a TML gateway as it is.',
  leafHash:
    'The decision record is not the one the log signed a receipt for: it was changed after it was logged.',
  inclusion:
    "The decision record is not in the log's published tree: the record or its proof was altered.",
  checkpointSignature:
    "The log's checkpoint is not signed by the key the chains hold for this log: it may be forged.",
  receiptSignature:
    'The receipt is not signed by the receipt key the chains hold for this log: it may be forged.',
  signaturesUnchecked:
    "The signatures could not be checked, because the chains did not give one answer for the log's keys.",
} as const
