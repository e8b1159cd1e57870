import { isHex, RESOLUTION_DOMAIN, RESOLUTION_TYPES } from '@tml/core'

/** An open pause as the desk shows it. */
export type PendingPause = {
  pauseId: string
  profile: string
  triggerType: string
  triggerDetail: string
  metrics: { name: string; value: number }[]
  seq: number
  leafHash: `0x${string}`
  created: string
  /** Unix ms when the pause times out into a refusal. */
  deadlineMs: number
  /** The gateway's log: part of what the reviewer signs. */
  logId: `0x${string}`
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * Reads one pause of `GET /v1/pauses` (untrusted JSON). It is refused when a field is malformed,
 * when the message to sign is not about this pause, or when the typed data the gateway proposes
 * differs from the resolution type the desk knows (the desk signs its own constants anyway).
 *
 * @example const read = readPendingPause(json.pauses[0]); if ('pause' in read) show(read.pause)
 */
export function readPendingPause(value: unknown): { pause: PendingPause } | { problem: string } {
  if (typeof value !== 'object' || value === null) return { problem: 'not an object' }
  const p = value as Record<string, unknown>
  const id = typeof p.pause_id === 'string' ? p.pause_id : ''
  if (!UUID.test(id)) return { problem: 'pause_id is not a lower-case UUID' }
  if (!isHex(p.leaf_hash, 32)) return { problem: `pause ${id}: leaf_hash is not 32-byte hex` }
  const deadlineMs = typeof p.deadline === 'string' ? Date.parse(p.deadline) : Number.NaN
  if (!Number.isFinite(deadlineMs)) return { problem: `pause ${id}: deadline is not a date` }
  const typed = p.typed_data as Record<string, unknown> | undefined
  const message = typed?.message as Record<string, unknown> | undefined
  if (
    !message ||
    !isHex(message.logId, 32) ||
    message.pauseId !== id ||
    message.pauseLeafHash !== p.leaf_hash
  )
    return { problem: `pause ${id}: the message to sign is not about this pause` }
  if (
    JSON.stringify(typed?.domain) !== JSON.stringify(RESOLUTION_DOMAIN) ||
    JSON.stringify(typed?.types) !== JSON.stringify(RESOLUTION_TYPES) ||
    typed?.primaryType !== 'Resolution'
  )
    return { problem: `pause ${id}: the gateway proposes typed data this desk does not know` }
  const metrics =
    typeof p.metrics === 'object' && p.metrics !== null
      ? Object.entries(p.metrics as Record<string, unknown>)
          .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
          .slice(0, 32)
          .map(([name, v]) => ({ name, value: v }))
      : []
  const text = (v: unknown, max = 1024) => (typeof v === 'string' ? v.slice(0, max) : '')
  return {
    pause: {
      pauseId: id,
      profile: text(p.profile, 64),
      triggerType: text(p.trigger_type, 32),
      triggerDetail: text(p.trigger_detail),
      metrics,
      seq: Number.isSafeInteger(p.seq) ? (p.seq as number) : -1,
      leafHash: (p.leaf_hash as string).toLowerCase() as `0x${string}`,
      created: text(p.created, 40),
      deadlineMs,
      logId: (message.logId as string).toLowerCase() as `0x${string}`,
    },
  }
}
