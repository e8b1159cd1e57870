import { type Address, encodeAbiParameters, keccak256, stringToHex } from 'viem'
import type { Hex } from '../bytes/hex.ts'

export type ComputeLogIdParameters = {
  /** The operator that declares the log. */
  operator: Address
  /** The log's name (not empty). */
  name: string
  /** The first checkpoint signer (key period 0). */
  signer: Address
  /** The first Ed25519 receipt public key (key period 0), 32 bytes. */
  receiptKey: Hex
  /** The log's maximum epoch interval, in seconds. */
  maxEpochInterval: bigint
}

/**
 * The id a log gets when `operator` declares it:
 * `keccak256(abi.encode(operator, keccak256(bytes(name)), signer, receiptKey, maxEpochInterval))`.
 * It commits to the log's first keys and its promise, so "the same log" declared with other keys
 * or another interval on another chain is another log: no chain can start a history differently.
 * Equals `LanternRegistry.computeLogId`, without a chain.
 *
 * Spec: contracts/interfaces/ILanternRegistry.sol (`computeLogId`).
 *
 * @example
 * computeLogId({ operator, name: 'gateway-1', signer, receiptKey, maxEpochInterval: 3600n }) // '0x…'
 */
export function computeLogId({
  operator,
  name,
  signer,
  receiptKey,
  maxEpochInterval,
}: ComputeLogIdParameters): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'uint64' },
      ],
      [operator, keccak256(stringToHex(name)), signer, receiptKey, maxEpochInterval],
    ),
  )
}
