import { type Hex, hexToBytes } from '@tml/core'

const PREFIXES = new Map<string, Uint8Array>()

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
  const tag = TAGS[layer]
  const prefix = `${layer}:${logId}`
  let head = PREFIXES.get(prefix)
  if (!head) {
    // A gateway seals for one log: the tag and log id bytes are built once, not per record.
    head = new Uint8Array(tag.length + 32)
    for (let i = 0; i < tag.length; i++) head[i] = tag.charCodeAt(i)
    head.set(hexToBytes(logId, 32), tag.length)
    if (PREFIXES.size > 16) PREFIXES.clear()
    PREFIXES.set(prefix, head)
  }
  const out = new Uint8Array(tag.length + 32 + 16)
  out.set(head)
  const view = new DataView(out.buffer)
  view.setBigUint64(tag.length + 32, BigInt(seq))
  view.setBigUint64(tag.length + 40, BigInt(epoch))
  return out
}
