import type { Hex } from '../bytes/hex.ts'
import { RESOLUTION_DOMAIN } from './resolutionTypedData.ts'

/**
 * Longest life of a signed case request, in seconds (`expiresAt - issuedAt`): a request that
 * leaks is useless after five minutes, and single use before that (the gateway remembers its
 * nonce until it expires).
 */
export const CASE_REQUEST_MAX_WINDOW_S = 300

/**
 * EIP-712 types of a reviewer's request to read the case of a pause (its pseudonymized input,
 * context and held output). Signed in the resolutions' domain: the log and the pause are in the
 * message, so a request opens one case of one log only, within its window, once.
 */
export const CASE_REQUEST_TYPES = {
  CaseRequest: [
    { name: 'logId', type: 'bytes32' },
    { name: 'pauseId', type: 'string' },
    { name: 'nonce', type: 'bytes32' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
  ],
} as const

/** The signed message of a case request. */
export type CaseRequestMessage = {
  logId: Hex
  /** `trace_id` of the pause MTL. */
  pauseId: string
  /** 32 random bytes: the gateway accepts each nonce once. */
  nonce: Hex
  /** Unix seconds when the request was signed. */
  issuedAt: bigint
  /** Unix seconds after which it is refused; at most {@link CASE_REQUEST_MAX_WINDOW_S} after `issuedAt`. */
  expiresAt: bigint
}

/**
 * The EIP-712 typed data a reviewer signs to read a pause's case on the desk
 * (`POST /v1/pauses/{id}/case`), ready for viem's `signTypedData` / `recoverTypedDataAddress`.
 *
 * Spec: EIP-712; docs/formats.md, Case requests.
 *
 * @example
 * const signature = await walletClient.signTypedData({ account, ...caseRequestTypedData(message) })
 */
export function caseRequestTypedData(message: CaseRequestMessage) {
  return {
    domain: RESOLUTION_DOMAIN,
    types: CASE_REQUEST_TYPES,
    primaryType: 'CaseRequest' as const,
    message,
  }
}
