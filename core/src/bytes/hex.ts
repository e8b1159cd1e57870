import { BaseError } from '../errors/BaseError.ts'

export type Hex = `0x${string}`

export class InvalidHexError extends BaseError {
  override name = 'InvalidHexError' as const
  constructor(value: unknown, expected: string) {
    super(`Invalid hex value: expected ${expected}.`, {
      details: `Got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value}.`,
    })
  }
}

const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/

/** True when `value` is a `0x`-prefixed hex string of whole bytes (and of `byteLength` bytes if given). */
export function isHex(value: unknown, byteLength?: number): value is Hex {
  if (typeof value !== 'string' || !HEX_RE.test(value)) return false
  return byteLength === undefined || value.length === 2 + 2 * byteLength
}

/**
 * Decodes `0x`-prefixed hex into bytes.
 * @throws {InvalidHexError} when `hex` is not whole-byte hex, or not `byteLength` bytes long.
 */
export function hexToBytes(hex: string, byteLength?: number): Uint8Array {
  if (!isHex(hex, byteLength)) {
    throw new InvalidHexError(
      hex,
      byteLength === undefined ? '0x-prefixed hex' : `0x-prefixed hex of ${byteLength} bytes`,
    )
  }
  const out = new Uint8Array((hex.length - 2) / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16)
  return out
}

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Encodes bytes as lower-case `0x`-prefixed hex. */
export function bytesToHex(bytes: Uint8Array): Hex {
  let s = '0x'
  for (const b of bytes) s += HEX_DIGITS[b]
  return s as Hex
}
