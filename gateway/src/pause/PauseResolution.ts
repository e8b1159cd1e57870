import type { Hex, MtlArbiter, SignedReceipt } from '@tml/core'

/** How a pause ended, as answered to callers and long-pollers. */
export type PauseResolution = {
  pause_id: string
  state: 1 | -1
  arbiter: MtlArbiter
  /** `trace_id`, `seq` and receipt of the resolution MTL. */
  trace_id: string
  seq: number
  leaf_hash: Hex
  receipt: SignedReceipt
  timestamp: string
}
