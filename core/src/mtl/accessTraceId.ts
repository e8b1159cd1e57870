import { bytesToHex, type Hex } from '../bytes/hex.ts'
import { sha256 } from '../hash/sha256.ts'
import { canonicalBytes } from '../jcs/canonicalBytes.ts'

/** Where one event log is on chain: what identifies it among all events of all chains. */
export type AccessEventCoordinates = {
  chainId: number
  /** The emitting contract (any case: it is lower-cased). */
  contract: string
  txHash: Hex
  logIndex: number
}

/**
 * The `trace_id` of the access MTL that records one chain event: an RFC 9562 version 8 UUID made
 * of the first 16 bytes of SHA-256 over the RFC 8785 form of
 * `{ "v": "tml-access/1", chain_id, contract, tx_hash, log_index }`. One event, one id, whoever
 * computes it: a gateway that sees the event again (after a restart, a reorganised poll) finds the
 * record already in its log and writes nothing; a reader can check that a record's `trace_id`
 * names the event its `access` member claims.
 *
 * Spec: RFC 9562 §5.8 (UUIDv8); RFC 8785.
 *
 * @example
 * accessTraceId({ chainId: 31337, contract: '0x5FbD…', txHash: '0x…', logIndex: 0 }) // '3c0e…-8…'
 */
export function accessTraceId(event: AccessEventCoordinates): string {
  const digest = sha256(
    canonicalBytes({
      v: 'tml-access/1',
      chain_id: event.chainId,
      contract: event.contract.toLowerCase(),
      tx_hash: event.txHash.toLowerCase(),
      log_index: event.logIndex,
    }),
  ).slice(0, 16)
  // Version 8 in the high nibble of byte 6, the RFC variant (10xx) in byte 8.
  digest[6] = ((digest[6] as number) & 0x0f) | 0x80
  digest[8] = ((digest[8] as number) & 0x3f) | 0x80
  const hex = bytesToHex(digest).slice(2)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
