import { base64ToBytes, bytesToBase64 } from '../bytes/base64.ts'
import { type Hex, hexToBytes, isHex } from '../bytes/hex.ts'
import { MAX_U64, toU64 } from '../merkle/u64.ts'
import { InvalidTlogCheckpointError } from './C2spErrors.ts'
import { noteTextProblem } from './parseNote.ts'

/** The body of a c2sp.org/tlog-checkpoint: a log's tree head at one size. */
export type TlogCheckpoint = {
  /** Names the log (one line, e.g. `tml-anchor/<log id hex>`); the signing key has the same name. */
  origin: string
  /** Leaves in the tree, 0 … 2^64-1. */
  treeSize: bigint
  /** RFC 6962 / RFC 9162 root hash at that size: 32 bytes. */
  rootHash: Uint8Array
  /** Opaque extra lines (not recommended by the spec; none by default). */
  extensions: string[]
}

/**
 * The note text of a checkpoint: origin, tree size in decimal (no leading zeros), root hash in
 * base64, then any extension lines, each line ending in a newline. Sign it with `signNote` under
 * a key named after the origin.
 *
 * Spec: c2sp.org/tlog-checkpoint §Note text.
 *
 * @throws {InvalidTlogCheckpointError} on an empty or multi-line origin or extension, a size
 *   outside 0 … 2^64-1, or a root that is not 32 bytes.
 * @example
 * formatTlogCheckpoint({ origin: 'example.com/log', treeSize: 3, rootHash: '0x…' })
 * // 'example.com/log\n3\nq1w2…=\n'
 */
export function formatTlogCheckpoint({
  origin,
  treeSize,
  rootHash,
  extensions = [],
}: {
  origin: string
  treeSize: number | bigint
  rootHash: Uint8Array | Hex
  extensions?: readonly string[]
}): string {
  const size = toU64(treeSize)
  if (size === undefined) {
    throw new InvalidTlogCheckpointError(`treeSize must be an integer from 0 to 2^64-1`)
  }
  const root =
    rootHash instanceof Uint8Array
      ? rootHash
      : isHex(rootHash, 32)
        ? hexToBytes(rootHash)
        : undefined
  if (root === undefined || root.length !== 32) {
    throw new InvalidTlogCheckpointError('rootHash must be 32 bytes (or 0x hex of 32 bytes)')
  }
  for (const [what, line] of [
    ['origin', origin],
    ...extensions.map((e, i) => [`extensions[${i}]`, e]),
  ] as [string, string][]) {
    if (typeof line !== 'string' || line === '' || line.includes('\n')) {
      throw new InvalidTlogCheckpointError(`${what} must be one non-empty line`)
    }
    const problem = noteTextProblem(line)
    if (problem) throw new InvalidTlogCheckpointError(`${what}: ${problem}`)
  }
  return [origin, size.toString(), bytesToBase64(root), ...extensions].map((l) => `${l}\n`).join('')
}

/**
 * Reads the text of a checkpoint note (after `openNote` has verified it). Strict: the size has
 * no leading zero and fits in uint64, the root is canonical base64 of 32 bytes, the text ends in
 * a newline and no line is empty.
 *
 * Spec: c2sp.org/tlog-checkpoint §Note text.
 *
 * @throws {InvalidTlogCheckpointError} naming the line that is wrong.
 * @example
 * parseTlogCheckpoint(openNote({ note, verifiers: [vkey] }).text).treeSize // 300n
 */
export function parseTlogCheckpoint(text: string): TlogCheckpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new InvalidTlogCheckpointError('a checkpoint text ends with a newline')
  }
  const lines = text.slice(0, -1).split('\n')
  if (lines.length < 3) {
    throw new InvalidTlogCheckpointError(
      `${lines.length} lines; expected origin, size and root hash`,
    )
  }
  const empty = lines.indexOf('')
  if (empty >= 0) throw new InvalidTlogCheckpointError(`line ${empty + 1} is empty`)
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]]
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || BigInt(sizeLine) > MAX_U64) {
    throw new InvalidTlogCheckpointError(
      `tree size ${JSON.stringify(sizeLine.slice(0, 30))} is not a decimal uint64 without leading zeros`,
    )
  }
  let rootHash: Uint8Array | undefined
  try {
    rootHash = base64ToBytes(rootLine)
  } catch {
    rootHash = undefined
  }
  // Re-encoding catches non-zero padding bits: one root, one spelling.
  if (rootHash === undefined || rootHash.length !== 32 || bytesToBase64(rootHash) !== rootLine) {
    throw new InvalidTlogCheckpointError('the root hash line is not the base64 of 32 bytes')
  }
  return { origin, treeSize: BigInt(sizeLine), rootHash, extensions }
}
