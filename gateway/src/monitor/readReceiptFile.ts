import { readFileSync } from 'node:fs'
import { type SignedReceipt, validateReceipt } from '@tml/core'
import { MonitorError } from './MonitorError.ts'

/**
 * A signed `tml-receipt/2` receipt from a JSON file: the receipt itself, or the gateway's whole
 * answer to `POST /v1/decisions` (its `receipt` member).
 *
 * @throws {MonitorError} naming the file and what is wrong with it.
 * @example const receipt = readReceiptFile('answer.json')
 */
export function readReceiptFile(path: string): SignedReceipt {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new MonitorError(`cannot read the receipt ${path}: ${(error as Error).message}`)
  }
  const inner = (value as { receipt?: unknown } | null)?.receipt
  const candidate =
    inner !== undefined && (value as { v?: unknown }).v === undefined ? inner : value
  const result = validateReceipt(candidate)
  if (!result.valid)
    throw new MonitorError(
      `${path} is not a signed tml-receipt/2 receipt: ${result.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    )
  return result.receipt
}

/** JSON with bigints as decimal strings (the contracts' uint64 values). */
export function jsonWithBigInts(value: unknown, space?: number): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), space)
}
