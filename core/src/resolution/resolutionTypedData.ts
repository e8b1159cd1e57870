import type { Hex } from '../bytes/hex.ts'
import { CHECKPOINT_DOMAIN } from '../checkpoint/checkpointTypes.ts'

/**
 * EIP-712 domain of reviewer resolutions: the project's (the checkpoints' too), with no chainId (a
 * pause lives off chain). The gateway verifies and the reviewer desk signs these constants, never
 * types a server sends: a gateway cannot make a reviewer sign something else.
 */
export const RESOLUTION_DOMAIN = CHECKPOINT_DOMAIN

/**
 * EIP-712 types of a reviewer's resolution. Beyond the pause id, the reviewer signs the log, the
 * leaf hash of the pause MTL (the evidence they were shown: a resolution cannot be moved to
 * another pause or another log), the rationale's hash and a deadline (a signature cannot be
 * replayed later).
 */
export const RESOLUTION_TYPES = {
  Resolution: [
    { name: 'logId', type: 'bytes32' },
    { name: 'pauseId', type: 'string' },
    { name: 'pauseLeafHash', type: 'bytes32' },
    { name: 'decision', type: 'int8' },
    { name: 'rationaleHash', type: 'bytes32' },
    { name: 'deadline', type: 'uint64' },
  ],
} as const

/** The signed message of a resolution. */
export type ResolutionMessage = {
  logId: Hex
  /** `trace_id` of the pause MTL. */
  pauseId: string
  /** Leaf hash of the pause MTL. */
  pauseLeafHash: Hex
  /** 1 approve, -1 refuse. */
  decision: 1 | -1
  /** SHA-256 of the reviewer's written rationale (kept off the log). */
  rationaleHash: Hex
  /** Unix seconds after which the signature is no longer accepted. */
  deadline: bigint
}

/**
 * The EIP-712 typed data a reviewer signs to resolve a pause, ready for viem's
 * `signTypedData` / `recoverTypedDataAddress`.
 *
 * Spec: EIP-712; gateway/README.md, Pause lifecycle.
 *
 * @example
 * const signature = await walletClient.signTypedData({ account, ...resolutionTypedData(message) })
 */
export function resolutionTypedData(message: ResolutionMessage) {
  return {
    domain: RESOLUTION_DOMAIN,
    types: RESOLUTION_TYPES,
    primaryType: 'Resolution' as const,
    message,
  }
}
