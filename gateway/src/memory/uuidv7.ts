import { randomFillSync } from 'node:crypto'

const POOL = new Uint8Array(16 * 256)
let offset = POOL.length
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * A UUID version 7: 48 bits of Unix milliseconds, then 74 random bits. Trace ids are the log's
 * lookup keys; time-ordered ids land at the end of the SQLite index instead of on a random page,
 * so a group commit writes a few pages, not one per record (random v4 ids made the write-ahead
 * log several times larger under load). The time they reveal is already in the MTL's timestamp.
 *
 * Spec: RFC 9562 §5.7.
 *
 * @example
 * uuidv7(Date.UTC(2025, 0, 1)) // '01941f29-7c00-7…'
 */
export function uuidv7(now: number = Date.now()): string {
  if (offset === POOL.length) {
    randomFillSync(POOL)
    offset = 0
  }
  const b = POOL.subarray(offset, offset + 16)
  offset += 16
  let ms = Math.max(0, Math.floor(now))
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256
    ms = Math.floor(ms / 256)
  }
  b[6] = ((b[6] as number) & 0x0f) | 0x70
  b[8] = ((b[8] as number) & 0x3f) | 0x80
  let s = ''
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i] as number]
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-'
  }
  return s
}
