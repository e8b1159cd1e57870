import { type Hex, isHex } from '@tml/core'
import { AuditError } from './AuditError.ts'

/** The AccessRegistry's longest grant (`MAX_DURATION`, 365 days), in seconds. */
export const MAX_GRANT_DURATION_S = 365n * 24n * 3600n

/** The arguments of `AccessRegistry.requestAccess(logId, fromEpoch, toEpoch, duration, auditorKey)`. */
export type AccessRequestArgs = readonly [Hex, bigint, bigint, bigint, Hex]

/**
 * Reads the request form into `requestAccess`'s arguments, refusing what the contract would
 * revert on (so the wallet is not asked to sign a doomed transaction): a log id that is not
 * 32 bytes, epochs that are not whole numbers from 1 with from ≤ to, a duration of 0 or above
 * 365 days, a missing auditor key.
 * @throws {AuditError} `TML_AUDIT_INPUT` naming the field.
 *
 * @example
 * accessRequestArgs({ logId: '0x…', fromEpoch: '1', toEpoch: '3', durationS: '3600', auditorKey: '0x…' })
 */
export function accessRequestArgs(form: {
  logId: string
  fromEpoch: string
  toEpoch: string
  durationS: string
  auditorKey: Hex | undefined
}): AccessRequestArgs {
  const logId = form.logId.trim().toLowerCase()
  if (!isHex(logId, 32))
    throw new AuditError(`the log id must be 32 bytes of 0x hex, got "${form.logId}"`, {
      code: 'TML_AUDIT_INPUT',
    })
  const from = wholeNumber(form.fromEpoch, 'the first epoch')
  const to = wholeNumber(form.toEpoch, 'the last epoch')
  if (from === 0n || from > to)
    throw new AuditError(`the epochs must run from 1 upwards, first ≤ last: got ${from} to ${to}`, {
      code: 'TML_AUDIT_INPUT',
    })
  const duration = wholeNumber(form.durationS, 'the duration')
  if (duration === 0n || duration > MAX_GRANT_DURATION_S)
    throw new AuditError(
      `the duration must be 1 s to 365 days (${MAX_GRANT_DURATION_S} s), got ${duration} s`,
      { code: 'TML_AUDIT_INPUT' },
    )
  if (form.auditorKey === undefined)
    throw new AuditError('generate or load your auditor key first: releases are wrapped to it', {
      code: 'TML_AUDIT_INPUT',
    })
  return [logId as Hex, from, to, duration, form.auditorKey]
}

/**
 * A whole number typed in a form field.
 * @throws {AuditError} `TML_AUDIT_INPUT` naming `what` when it is not one.
 *
 * @example wholeNumber('12', 'the grant id') // 12n
 */
export function wholeNumber(value: string, what: string): bigint {
  const trimmed = value.trim()
  if (!/^[0-9]{1,20}$/.test(trimmed))
    throw new AuditError(`${what} must be a whole number, got "${value}"`, {
      code: 'TML_AUDIT_INPUT',
    })
  return BigInt(trimmed)
}
