import { ripemd160, sha1 } from '@noble/hashes/legacy.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { sha256 } from '../hash/sha256.ts'
import { InvalidOtsError } from './InvalidOtsError.ts'
import type { OtsOp } from './OtsProof.ts'
import { OTS_LIMITS } from './otsLimits.ts'

const HEX = '0123456789abcdef'

/**
 * The message an OpenTimestamps operation makes of `message`: append or prepend its argument,
 * reverse, hexlify (lower-case ASCII hex), or hash. Messages and results are at most
 * {@link OTS_LIMITS}.message bytes, as python-opentimestamps requires.
 *
 * Spec: python-opentimestamps `opentimestamps.core.op`.
 *
 * @throws {InvalidOtsError} when the message or the result would be too long.
 * @example
 * applyOtsOp({ op: 'append', arg: nonce }, digest)
 */
export function applyOtsOp(op: OtsOp, message: Uint8Array): Uint8Array {
  if (message.length > OTS_LIMITS.message)
    throw new InvalidOtsError(`a message is longer than ${OTS_LIMITS.message} bytes`)
  let result: Uint8Array
  switch (op.op) {
    case 'append':
    case 'prepend': {
      result = new Uint8Array(message.length + op.arg.length)
      const [first, second] = op.op === 'append' ? [message, op.arg] : [op.arg, message]
      result.set(first)
      result.set(second, first.length)
      break
    }
    case 'reverse':
      result = message.slice().reverse()
      break
    case 'hexlify': {
      result = new Uint8Array(message.length * 2)
      message.forEach((b, i) => {
        result[2 * i] = HEX.charCodeAt(b >> 4)
        result[2 * i + 1] = HEX.charCodeAt(b & 15)
      })
      break
    }
    case 'sha1':
      result = sha1(message)
      break
    case 'ripemd160':
      result = ripemd160(message)
      break
    case 'sha256':
      result = sha256(message)
      break
    case 'keccak256':
      result = keccak_256(message)
      break
  }
  if (result.length > OTS_LIMITS.message)
    throw new InvalidOtsError(`an operation's result is longer than ${OTS_LIMITS.message} bytes`)
  return result
}
