import { type Hex, hexToBytes } from '@tml/core'
import { writeU64 } from './writeU64.ts'

const TAGS = {
  batch: 'tml-vault/2\0',
  record: 'tml-vault/1\0',
  personal: 'tml-vault-personal/1\0',
} as const

/**
 * Associated data of a sealed batch (`batch`: binds its first and last `seq` and its epoch), of a
 * `tml-vault/1` record (`record`: its `seq` and epoch) or of a record's personal layer
 * (`personal`: its `seq`), each after its tag and the log id. A ciphertext moved to another
 * record, batch, log or epoch therefore fails to open instead of passing as that one's evidence.
 *
 * @example
 * const aad = vaultAad({ layer: 'batch', logId, seq: 7, lastSeq: 9, epoch: 2 })
 */
export function vaultAad({
  layer,
  logId,
  seq,
  epoch = 0,
  lastSeq,
}: {
  layer: keyof typeof TAGS
  logId: Hex
  /** The record's `seq`, or a batch's first. */
  seq: number
  epoch?: number
  /** A batch's last `seq` (`batch` only). */
  lastSeq?: number
}): Uint8Array {
  const whole = (n: number) => Number.isSafeInteger(n) && n >= 0
  if (!whole(seq) || !whole(epoch) || (layer === 'batch' && !whole(lastSeq ?? -1)))
    throw new RangeError(
      `vault associated data needs whole seqs and epoch, not ${seq}, ${lastSeq} and ${epoch}`,
    )
  const head = headOf(layer, logId)
  const out = new Uint8Array(head.length + (layer === 'batch' ? 24 : 16))
  out.set(head)
  writeU64(out, head.length, seq)
  if (layer === 'batch') {
    writeU64(out, head.length + 8, lastSeq as number)
    writeU64(out, head.length + 16, epoch)
  } else writeU64(out, head.length + 8, epoch)
  return out
}

// The last log's heads per layer: a gateway seals for one log, so the tag and log id bytes are
// built once, not per batch (and no key string is built per batch to look them up).
const lastHead: Record<keyof typeof TAGS, { logId: string; head: Uint8Array } | undefined> = {
  batch: undefined,
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
