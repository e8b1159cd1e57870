import { getAddress } from 'viem'
import { isHex } from '../bytes/hex.ts'
import { describeValue } from '../checkpoint/describeValue.ts'
import { InvalidKeyRotationError } from './InvalidKeyRotationError.ts'
import type { KeyRotationStatement } from './KeyRotation.ts'
import { keyRotationIssues } from './keyRotationIssues.ts'

const ROTATION_FIELDS = ['logId', 'index', 'fromEpoch', 'signer', 'receiptKey']

/**
 * Parses the JSON form of a signed key rotation statement,
 * `{ rotation: { logId, index, fromEpoch, signer, receiptKey }, signature }`, in which `index`
 * and `fromEpoch` are non-negative safe integers (as a checkpoint's uint64 fields in JSON). The
 * signature is only checked for shape here: who signed it is {@link recoverKeyRotationSigner}'s
 * answer, and whether that key may is the chain's.
 *
 * @throws {InvalidKeyRotationError} listing every issue.
 * @example
 * keyRotationStatementFromJson(JSON.parse(pasted)).rotation.fromEpoch // 40n
 */
export function keyRotationStatementFromJson(value: unknown): KeyRotationStatement {
  const issues: { path: string; message: string }[] = []
  const record = isObject(value) ? value : undefined
  if (record === undefined)
    throw new InvalidKeyRotationError([
      { path: '$', message: `expected an object, got ${describeValue(value)}` },
    ])
  const rotation = isObject(record.rotation) ? record.rotation : undefined
  if (rotation === undefined)
    issues.push({
      path: '$.rotation',
      message: `expected an object, got ${describeValue(record.rotation)}`,
    })
  else {
    for (const key of Object.keys(rotation)
      .filter((k) => !ROTATION_FIELDS.includes(k))
      .slice(0, 8))
      issues.push({ path: `$.rotation.${key}`, message: 'unknown field' })
    const uint = (field: unknown) =>
      Number.isSafeInteger(field) && (field as number) >= 0 ? BigInt(field as number) : field
    issues.push(
      ...keyRotationIssues(
        { ...rotation, index: uint(rotation.index), fromEpoch: uint(rotation.fromEpoch) },
        '$.rotation',
      ),
    )
  }
  if (!isHex(record.signature, 65))
    issues.push({
      path: '$.signature',
      message: `expected 65-byte 0x hex, got ${describeValue(record.signature)}`,
    })
  if (issues.length > 0 || rotation === undefined) throw new InvalidKeyRotationError(issues)
  return {
    rotation: {
      logId: (rotation.logId as string).toLowerCase() as `0x${string}`,
      index: BigInt(rotation.index as number),
      fromEpoch: BigInt(rotation.fromEpoch as number),
      signer: getAddress(rotation.signer as string),
      receiptKey: (rotation.receiptKey as string).toLowerCase() as `0x${string}`,
    },
    signature: (record.signature as string).toLowerCase() as `0x${string}`,
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
