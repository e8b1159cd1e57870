import { isAddress } from 'viem'
import { isHex } from '../bytes/hex.ts'
import { describeValue } from '../checkpoint/describeValue.ts'

const UINT64_MAX = 2n ** 64n - 1n

/**
 * Every way `rotation` does not fit the Solidity struct `KeyRotation`, with paths under `path`:
 * `logId` and `receiptKey` 32-byte hex, `signer` an address, `index` and `fromEpoch` uint64
 * bigints. Internal to the key rotation module (assert and JSON parsing share it).
 *
 * @example keyRotationIssues({ logId: '0x' }, '$') // [{ path: '$.logId', … }, …]
 */
export function keyRotationIssues(
  rotation: Record<string, unknown>,
  path: string,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = []
  for (const key of ['logId', 'receiptKey'] as const) {
    const field = rotation[key]
    if (!isHex(field, 32))
      issues.push({
        path: `${path}.${key}`,
        message: `expected 32-byte 0x hex, got ${describeValue(field)}`,
      })
  }
  const signer = rotation.signer
  if (typeof signer !== 'string' || !isAddress(signer, { strict: false }))
    issues.push({
      path: `${path}.signer`,
      message: `expected a 20-byte 0x address, got ${describeValue(signer)}`,
    })
  for (const key of ['index', 'fromEpoch'] as const) {
    const field = rotation[key]
    if (typeof field !== 'bigint' || field < 0n || field > UINT64_MAX)
      issues.push({
        path: `${path}.${key}`,
        message: `expected a uint64, got ${describeValue(field)}`,
      })
  }
  return issues
}
