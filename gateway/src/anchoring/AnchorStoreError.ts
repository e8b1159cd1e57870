import { BaseError } from '@tml/core'

/**
 * A write that would change evidence already stored (a second, different intent or checkpoint
 * for an epoch, a handover out of order), or a node that is not stored.
 */
export class AnchorStoreError extends BaseError {
  override name = 'AnchorStoreError' as const
}
