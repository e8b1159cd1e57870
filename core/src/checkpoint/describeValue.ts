/**
 * A short, bounded description of an untrusted value for an issue message: strings quoted and cut
 * at 80 characters, numbers as written, other values by kind. A bundle can hold a megabyte string
 * where a hash belongs; the message must not repeat it. Internal to the validators of checkpoints,
 * receipts and bundles (not exported from the package).
 *
 * @example describeValue('0x12') // '"0x12"'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
