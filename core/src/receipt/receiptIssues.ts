import { describeValue } from '../checkpoint/describeValue.ts'
import { appendPath } from '../jcs/appendPath.ts'
import { HEX32_PATTERN, TIMESTAMP_PATTERN, UUID_PATTERN } from '../mtl/patterns.ts'
import { RECEIPT_VERSION } from './Receipt.ts'

const HEX32 = new RegExp(HEX32_PATTERN)
const UUID = new RegExp(UUID_PATTERN)
const TIMESTAMP = new RegExp(TIMESTAMP_PATTERN)
const SIGNATURE = /^0x[0-9a-f]{128}$/
/** n/2 of P-256 (floor): a receipt signature's s must not exceed it (low s). */
const HALF_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n
const FIELDS = ['v', 'logId', 'traceId', 'seq', 'leafHash', 'timestamp'] as const

export type ReceiptIssuesParameters = {
  value: unknown
  /** Whether `signature` is required (a SignedReceipt) or refused (a Receipt about to be signed). */
  signed: boolean
}

/**
 * Every reason why an untrusted value is not a receipt, with JSON paths; empty when it is one.
 * Internal: the shared body of {@link validateReceipt} and {@link signReceipt}. The patterns are
 * those of `mtl/1`, so that a receipt's `traceId` and `logId` can equal the MTL's byte for byte.
 *
 * Spec: ARCHITECTURE.md, Formats, Receipt.
 *
 * @example receiptIssues({ value: {}, signed: true }) // [{ path: '$.v', message: 'missing' }, …]
 */
export function receiptIssues({
  value,
  signed,
}: ReceiptIssuesParameters): { path: string; message: string }[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '$', message: `expected an object, got ${describeValue(value)}` }]
  }
  const record = value as Record<string, unknown>
  const issues: { path: string; message: string }[] = []
  const known: readonly string[] = signed ? [...FIELDS, 'signature'] : FIELDS
  const unknown = Object.keys(record).filter((key) => !known.includes(key))
  // A hostile object can have a million keys: name a few, count the rest.
  for (const key of unknown.slice(0, 8)) {
    issues.push({
      path: appendPath('$', key),
      message:
        key === 'signature' ? 'a receipt to sign must not have a signature' : 'unknown field',
    })
  }
  if (unknown.length > 8)
    issues.push({ path: '$', message: `${unknown.length - 8} more unknown fields` })

  const get = (key: string) => (Object.hasOwn(record, key) ? record[key] : undefined)
  const check = (key: string, ok: (field: unknown) => boolean, expected: string) => {
    const field = get(key)
    if (field === undefined) issues.push({ path: `$.${key}`, message: 'missing' })
    else if (!ok(field))
      issues.push({
        path: `$.${key}`,
        message: `expected ${expected}, got ${describeValue(field)}`,
      })
  }
  const matches = (re: RegExp) => (field: unknown) => typeof field === 'string' && re.test(field)

  check('v', (field) => field === RECEIPT_VERSION, `"${RECEIPT_VERSION}"`)
  check('logId', matches(HEX32), '0x and 64 lower-case hex digits (32 bytes)')
  check('traceId', matches(UUID), 'a lower-case RFC 9562 UUID')
  check(
    'seq',
    (field) => Number.isSafeInteger(field) && (field as number) >= 0,
    'a non-negative safe integer',
  )
  check('leafHash', matches(HEX32), '0x and 64 lower-case hex digits (32 bytes)')
  check(
    'timestamp',
    (field) => typeof field === 'string' && TIMESTAMP.test(field) && dayExists(field),
    'an RFC 3339 UTC timestamp on a day that exists, like 2025-01-31T23:59:59.123Z',
  )
  if (signed) {
    check(
      'signature',
      (field) => matches(SIGNATURE)(field) && BigInt(`0x${(field as string).slice(66)}`) <= HALF_N,
      '0x and 128 lower-case hex digits (64 bytes r ‖ s) with low s (s ≤ n/2)',
    )
  }
  return issues
}

// TIMESTAMP_PATTERN bounds each field; whether e.g. February 30 exists needs the calendar.
function dayExists(timestamp: string): boolean {
  const year = Number(timestamp.slice(0, 4))
  const month = Number(timestamp.slice(5, 7))
  const day = Number(timestamp.slice(8, 10))
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  return day <= days
}
