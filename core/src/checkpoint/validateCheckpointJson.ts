import { isHex } from '../bytes/hex.ts'
import { appendPath } from '../jcs/appendPath.ts'
import type { CheckpointJson } from './Checkpoint.ts'
import { describeValue as describe } from './describeValue.ts'

const FIELDS = ['logId', 'epoch', 'treeSize', 'rootHash', 'timestamp'] as const
const HASH_FIELDS = ['logId', 'rootHash'] as const
const UINT_FIELDS = ['epoch', 'treeSize', 'timestamp'] as const

/** The result of {@link validateCheckpointJson}. */
export type ValidateCheckpointJsonReturnType =
  | { valid: true; checkpoint: CheckpointJson }
  | { valid: false; issues: { path: string; message: string }[] }

/**
 * Checks that an untrusted value is a {@link CheckpointJson}: exactly the five fields, `logId` and
 * `rootHash` as 32-byte `0x` hex, `epoch`, `treeSize` and `timestamp` as non-negative safe integers
 * (JSON numbers above 2^53 − 1 are read differently by different parsers, so they are refused).
 * Never throws; returns every issue with its JSON path. The checkpoint it returns is a fresh object
 * with lower-case hex.
 *
 * Spec: ARCHITECTURE.md, Formats, Checkpoint (uint64 fields as JSON numbers).
 *
 * @example
 * const r = validateCheckpointJson(JSON.parse(text))
 * if (!r.valid) r.issues // [{ path: '$.epoch', message: 'expected a non-negative safe integer, got -1' }]
 */
export function validateCheckpointJson(value: unknown): ValidateCheckpointJsonReturnType {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      valid: false,
      issues: [{ path: '$', message: `expected an object, got ${describe(value)}` }],
    }
  }
  const record = value as Record<string, unknown>
  const issues: { path: string; message: string }[] = []
  const unknown = Object.keys(record).filter((key) => !(FIELDS as readonly string[]).includes(key))
  // A hostile object can have a million keys: name a few, count the rest.
  for (const key of unknown.slice(0, 8))
    issues.push({ path: appendPath('$', key), message: 'unknown field' })
  if (unknown.length > 8)
    issues.push({ path: '$', message: `${unknown.length - 8} more unknown fields` })
  for (const key of HASH_FIELDS) {
    const field = Object.hasOwn(record, key) ? record[key] : undefined
    if (field === undefined) issues.push({ path: `$.${key}`, message: 'missing' })
    else if (!isHex(field, 32)) {
      issues.push({ path: `$.${key}`, message: `expected 32-byte 0x hex, got ${describe(field)}` })
    }
  }
  for (const key of UINT_FIELDS) {
    const field = Object.hasOwn(record, key) ? record[key] : undefined
    if (field === undefined) issues.push({ path: `$.${key}`, message: 'missing' })
    else if (!Number.isSafeInteger(field) || (field as number) < 0) {
      issues.push({
        path: `$.${key}`,
        message: `expected a non-negative safe integer, got ${describe(field)}`,
      })
    }
  }
  if (issues.length > 0) return { valid: false, issues }
  return {
    valid: true,
    checkpoint: {
      logId: (record.logId as string).toLowerCase() as CheckpointJson['logId'],
      epoch: record.epoch as number,
      treeSize: record.treeSize as number,
      rootHash: (record.rootHash as string).toLowerCase() as CheckpointJson['rootHash'],
      timestamp: record.timestamp as number,
    },
  }
}
