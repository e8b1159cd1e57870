import { BaseError } from '../errors/BaseError.ts'

export class InvalidBase64Error extends BaseError {
  override name = 'InvalidBase64Error' as const
  constructor(value: string) {
    super('Invalid base64 value.', { details: `Got ${JSON.stringify(value.slice(0, 80))}.` })
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const LOOKUP = new Map([...ALPHABET].map((c, i) => [c, i]))

/**
 * Decodes standard base64 (RFC 4648 §4, with padding), without Node's Buffer or the DOM's atob.
 * @throws {InvalidBase64Error} on characters outside the alphabet or bad padding.
 */
export function base64ToBytes(value: string): Uint8Array {
  if (value.length % 4 !== 0) throw new InvalidBase64Error(value)
  const pad = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0
  const out = new Uint8Array((value.length / 4) * 3 - pad)
  let o = 0
  for (let i = 0; i < value.length; i += 4) {
    let n = 0
    for (let j = 0; j < 4; j++) {
      const c = value[i + j] as string
      const isPad = c === '=' && i + j >= value.length - pad
      const v = isPad ? 0 : LOOKUP.get(c)
      if (v === undefined) throw new InvalidBase64Error(value)
      n = (n << 6) | v
    }
    if (o < out.length) out[o++] = (n >> 16) & 0xff
    if (o < out.length) out[o++] = (n >> 8) & 0xff
    if (o < out.length) out[o++] = n & 0xff
  }
  return out
}

/** Encodes bytes as standard padded base64 (RFC 4648 §4). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number
    const b = bytes[i + 1]
    const c = bytes[i + 2]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    s += ALPHABET[(n >> 18) & 63]
    s += ALPHABET[(n >> 12) & 63]
    s += b === undefined ? '=' : ALPHABET[(n >> 6) & 63]
    s += c === undefined ? '=' : ALPHABET[n & 63]
  }
  return s
}
