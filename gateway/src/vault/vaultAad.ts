import { type Hex, hexToBytes } from '@tml/core'

const TAGS = {
  record: 'tml-vault/1\0',
  personal: 'tml-vault-personal/1\0',
} as const

/**
 * Associated data of a sealed record (`record`: also binds the epoch) or of its personal layer
 * (`personal`): the tag, the log id and the record's `seq`. A ciphertext moved to another record,
 * log or epoch therefore fails to open instead of passing as that record's evidence.
 *
 * @example
 * const aad = vaultAad({ layer: 'record', logId, seq: 7, epoch: 2 })
 */
export function vaultAad({
  layer,
  logId,
  seq,
  epoch = 0,
}: {
  layer: keyof typeof TAGS
  logId: Hex
  seq: number
  epoch?: number
}): Uint8Array {
  if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isSafeInteger(epoch) || epoch < 0)
    throw new RangeError(`vault associated data needs whole seq and epoch, not ${seq} and ${epoch}`)
  const head = headOf(layer, logId)
  const out = new Uint8Array(head.length + 16)
  out.set(head)
  // Big-endian u64s, byte by byte: no BigInt and no DataView per record (both stay below 2^53).
  writeU64(out, head.length, seq)
  writeU64(out, head.length + 8, epoch)
  return out
}

// The last log's heads per layer: a gateway seals for one log, so the tag and log id bytes are
// built once, not per record (and no key string is built per record to look them up).
const lastHead: Record<keyof typeof TAGS, { logId: string; head: Uint8Array } | undefined> = {
  record: undefined,
  personal: undefined,
}

function headOf(layer: keyof typeof TAGS, logId: Hex): Uint8Array {
  const last = lastHead[layer]
  if (last !== undefined && last.logId === logId) return last.head
  const tag = TAGS[layer]
  const head = new Uint8Array(tag.length + 32)
  for (let i = 0; i < tag.length; i++) head[i] = tag.charCodeAt(i)
  head.set(hexToBytes(logId, 32), tag.length)
  lastHead[layer] = { logId, head }
  return head
}

function writeU64(out: Uint8Array, at: number, value: number): void {
  let high = Math.floor(value / 2 ** 32)
  let low = value >>> 0
  for (let i = 7; i >= 4; i--) {
    out[at + i] = low & 0xff
    low >>>= 8
  }
  for (let i = 3; i >= 0; i--) {
    out[at + i] = high & 0xff
    high >>>= 8
  }
}
