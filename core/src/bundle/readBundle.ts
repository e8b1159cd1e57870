import { type Address, isAddress } from 'viem'
import { base64ToBytes } from '../bytes/base64.ts'
import { type Hex, hexToBytes, isHex } from '../bytes/hex.ts'
import type { Checkpoint } from '../checkpoint/Checkpoint.ts'
import { describeValue } from '../checkpoint/describeValue.ts'
import { validateCheckpointJson } from '../checkpoint/validateCheckpointJson.ts'
import { appendPath } from '../jcs/appendPath.ts'
import type { SignedReceipt } from '../receipt/Receipt.ts'
import { validateReceipt } from '../receipt/validateReceipt.ts'
import { BUNDLE_LIMITS } from './bundleLimits.ts'
import {
  BUNDLE_FIELDS,
  BUNDLE_VERSION,
  type BundleAnchor,
  type BundleLogKeys,
} from './ProofBundle.ts'

type Issue = { path: string; message: string }

const LOG_FIELDS = ['checkpointSigner', 'receiptPublicKey']
const ANCHOR_FIELDS = ['chainId', 'registry', 'txHash', 'blockNumber']

/**
 * The parts of a bundle that are well-formed, decoded. A part is absent when it is malformed (the
 * issues say why), so that a verifier can still check everything that does not depend on it.
 */
export type BundleParts = {
  /** A plain object; whether it is a valid MTL is not checked here. */
  mtl?: Record<string, unknown>
  leafIndex?: number
  treeSize?: number
  inclusionProof?: Uint8Array[]
  checkpoint?: Checkpoint
  checkpointSignature?: Hex
  receipt?: SignedReceipt
  log?: BundleLogKeys
  /** The well-formed anchors, in bundle order, with distinct chain ids. */
  anchors?: BundleAnchor[]
  /** The OpenTimestamps proof (base64 of the `.ots` file), when present and well-formed. */
  ots?: string
  /** The policy document, when present and a plain object (its hash is checked later). */
  policy?: Record<string, unknown>
}

/** What {@link readBundle} returns: every shape issue, and the parts that are well-formed. */
export type ReadBundleReturnType = { issues: Issue[]; parts: BundleParts }

/**
 * Reads an untrusted `tml-proof/1` bundle field by field: the shape of every field except the
 * contents of `mtl` (the MTL schema is its own verification step). `validateBundle` and
 * `verifyBundle` share it, and it is exported for readers that need a bundle's parts (anchors,
 * checkpoint) without verifying it. Never throws on values from `JSON.parse`; the callers catch
 * what hostile objects (getters, proxies) might throw.
 *
 * Spec: ARCHITECTURE.md, Formats, Proof bundle; bounds in {@link BUNDLE_LIMITS}.
 *
 * @example
 * const { issues, parts } = readBundle(JSON.parse(text))
 */
export function readBundle(value: unknown): ReadBundleReturnType {
  const issues: Issue[] = []
  const parts: BundleParts = {}
  if (!isRecord(value)) {
    issues.push({ path: '$', message: `expected an object, got ${describeValue(value)}` })
    return { issues, parts }
  }
  const field = (key: string) => (Object.hasOwn(value, key) ? value[key] : undefined)
  const expect = (path: string, expected: string, got: unknown) =>
    issues.push({
      path,
      message: got === undefined ? 'missing' : `expected ${expected}, got ${describeValue(got)}`,
    })

  unknownFields({ record: value, known: BUNDLE_FIELDS, path: '$', issues })

  if (field('v') !== BUNDLE_VERSION) expect('$.v', `"${BUNDLE_VERSION}"`, field('v'))

  const mtl = field('mtl')
  if (isRecord(mtl)) parts.mtl = mtl
  else expect('$.mtl', 'an object', mtl)

  for (const key of ['leafIndex', 'treeSize'] as const) {
    const n = field(key)
    if (isUint(n)) parts[key] = n
    else expect(`$.${key}`, 'a non-negative safe integer', n)
  }

  const proof = field('inclusionProof')
  if (!Array.isArray(proof)) expect('$.inclusionProof', 'an array', proof)
  else if (proof.length > BUNDLE_LIMITS.inclusionProof) {
    issues.push({
      path: '$.inclusionProof',
      message: `expected at most ${BUNDLE_LIMITS.inclusionProof} hashes, got ${proof.length}`,
    })
  } else {
    const bad = proof.findIndex((hash) => !isHex(hash, 32))
    if (bad === -1) parts.inclusionProof = proof.map((hash: Hex) => hexToBytes(hash))
    else expect(`$.inclusionProof[${bad}]`, '32-byte 0x hex', proof[bad])
  }

  const checkpoint = field('checkpoint')
  if (checkpoint === undefined) expect('$.checkpoint', 'an object', checkpoint)
  else {
    const result = validateCheckpointJson(checkpoint)
    if (result.valid) {
      const cp = result.checkpoint
      parts.checkpoint = {
        logId: cp.logId,
        epoch: BigInt(cp.epoch),
        treeSize: BigInt(cp.treeSize),
        rootHash: cp.rootHash,
        timestamp: BigInt(cp.timestamp),
      }
    } else issues.push(...prefix(result.issues, '$.checkpoint'))
  }

  const signature = field('checkpointSignature')
  if (
    isHex(signature) &&
    signature.length > 2 &&
    signature.length <= 2 + 2 * BUNDLE_LIMITS.checkpointSignatureBytes
  ) {
    parts.checkpointSignature = signature
  } else {
    expect(
      '$.checkpointSignature',
      `0x hex of 1 to ${BUNDLE_LIMITS.checkpointSignatureBytes} bytes`,
      signature,
    )
  }

  const receipt = field('receipt')
  if (receipt === undefined) expect('$.receipt', 'an object', receipt)
  else {
    const result = validateReceipt(receipt)
    if (result.valid) parts.receipt = result.receipt
    else issues.push(...prefix(result.issues, '$.receipt'))
  }

  const log = field('log')
  if (!isRecord(log)) expect('$.log', 'an object', log)
  else {
    const before = issues.length
    unknownFields({ record: log, known: LOG_FIELDS, path: '$.log', issues })
    const signer = Object.hasOwn(log, 'checkpointSigner') ? log.checkpointSigner : undefined
    const key = Object.hasOwn(log, 'receiptPublicKey') ? log.receiptPublicKey : undefined
    if (!isAnyAddress(signer)) expect('$.log.checkpointSigner', 'a 20-byte 0x address', signer)
    if (!isHex(key, 65) || !(key as string).toLowerCase().startsWith('0x04'))
      expect('$.log.receiptPublicKey', '65-byte 0x hex 0x04 ‖ x ‖ y (uncompressed P-256 key)', key)
    if (issues.length === before) {
      parts.log = { checkpointSigner: signer as Address, receiptPublicKey: key as Hex }
    }
  }

  const anchors = field('anchors')
  if (!Array.isArray(anchors)) expect('$.anchors', 'an array', anchors)
  else if (anchors.length > BUNDLE_LIMITS.anchors) {
    issues.push({
      path: '$.anchors',
      message: `expected at most ${BUNDLE_LIMITS.anchors} anchors, got ${anchors.length}`,
    })
  } else {
    parts.anchors = []
    const seen = new Set<number>()
    anchors.forEach((anchor: unknown, i: number) => {
      const read = readAnchor({ anchor, path: `$.anchors[${i}]`, issues })
      if (read === undefined) return
      // Steps are named after the chain (`anchor:<chainId>`), so a chain appears once.
      if (seen.has(read.chainId)) {
        issues.push({
          path: `$.anchors[${i}].chainId`,
          message: `chain ${read.chainId} appears twice`,
        })
        return
      }
      seen.add(read.chainId)
      parts.anchors?.push(read)
    })
  }

  const ots = field('ots')
  if (ots !== undefined) {
    if (typeof ots !== 'string' || ots.length === 0 || ots.length > BUNDLE_LIMITS.otsLength) {
      expect('$.ots', `base64 of 1 to ${BUNDLE_LIMITS.otsLength} characters`, ots)
    } else if (!isBase64(ots)) expect('$.ots', 'base64', ots)
    else parts.ots = ots
  }

  const policy = field('policy')
  if (policy !== undefined) {
    if (isRecord(policy)) parts.policy = policy
    else expect('$.policy', 'an object', policy)
  }

  return { issues: issues.slice(0, BUNDLE_LIMITS.issues), parts }
}

function readAnchor({
  anchor,
  path,
  issues,
}: {
  anchor: unknown
  path: string
  issues: Issue[]
}): BundleAnchor | undefined {
  if (!isRecord(anchor)) {
    issues.push({ path, message: `expected an object, got ${describeValue(anchor)}` })
    return undefined
  }
  const before = issues.length
  unknownFields({ record: anchor, known: ANCHOR_FIELDS, path, issues })
  const get = (key: string) => (Object.hasOwn(anchor, key) ? anchor[key] : undefined)
  const check = (key: string, ok: boolean, expected: string) => {
    if (ok) return
    const got = get(key)
    issues.push({
      path: `${path}.${key}`,
      message: got === undefined ? 'missing' : `expected ${expected}, got ${describeValue(got)}`,
    })
  }
  const { chainId, registry, txHash, blockNumber } = {
    chainId: get('chainId'),
    registry: get('registry'),
    txHash: get('txHash'),
    blockNumber: get('blockNumber'),
  }
  check('chainId', isUint(chainId) && chainId > 0, 'a positive safe integer')
  check('registry', isAnyAddress(registry), 'a 20-byte 0x address')
  check('txHash', isHex(txHash, 32), '32-byte 0x hex')
  check('blockNumber', isUint(blockNumber), 'a non-negative safe integer')
  if (issues.length > before) return undefined
  return {
    chainId: chainId as number,
    registry: registry as Address,
    txHash: txHash as Hex,
    blockNumber: blockNumber as number,
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isUint(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

// Any case: a checksum is a typing aid, and the address is compared without regard to case.
function isAnyAddress(value: unknown): value is Address {
  return typeof value === 'string' && isAddress(value, { strict: false })
}

function isBase64(value: string): boolean {
  try {
    base64ToBytes(value)
    return true
  } catch {
    return false
  }
}

function unknownFields({
  record,
  known,
  path,
  issues,
}: {
  record: Record<string, unknown>
  known: readonly string[]
  path: string
  issues: Issue[]
}) {
  const unknown = Object.keys(record).filter((key) => !known.includes(key))
  // A hostile object can have a million keys: name a few, count the rest.
  for (const key of unknown.slice(0, 8))
    issues.push({ path: appendPath(path, key), message: 'unknown field' })
  if (unknown.length > 8)
    issues.push({ path, message: `${unknown.length - 8} more unknown fields` })
}

function prefix(issues: readonly Issue[], path: string): Issue[] {
  return issues.map((issue) => ({ path: `${path}${issue.path.slice(1)}`, message: issue.message }))
}
