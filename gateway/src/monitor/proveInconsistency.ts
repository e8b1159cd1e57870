import { rmSync } from 'node:fs'
import { buildInclusionProof, bytesToHex, type Checkpoint, type Hex } from '@tml/core'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import type { LeafFile } from './LeafFile.ts'
import type { EntrySource, LeafMirror } from './LeafMirror.ts'
import { type InconsistencyArgs, signedArg } from './submitReport.ts'

/** A checkpoint the log signed. */
export type SignedTree = { checkpoint: Checkpoint; signature: Hex }

/**
 * The arguments of `reportInconsistency`, or why the monitor cannot build them; `unavailable`
 * when a tree's leaves could not be had (no gateway served entries that give its signed root),
 * which a later try may overcome.
 */
export type InconsistencyProof =
  | { args: InconsistencyArgs; leafIndex: number }
  | { reason: string; unavailable?: boolean }

/**
 * Builds the on-chain proof that the tree of `older` is not a prefix of the tree of `newer`: the
 * first leaf index below the older size where their leaves differ, with an inclusion proof of
 * that index in each tree. Each tree's leaves come from the mirror when it holds that tree
 * (checked against the signed root), else from the gateways' entries, which must reproduce the
 * signed root (every served value is untrusted). Memory: one chunk of leaves; time: one pass
 * over each tree's leaves per proof node, reading files.
 *
 * Never throws for what a gateway serves: a gateway that cannot be read or whose entries do not
 * give the signed root is named in the reason.
 *
 * @example
 * const proof = await proveInconsistency({ mirror, sources, older, newer })
 * if ('args' in proof) await submitReport({ chains, logId, call: { functionName: 'reportInconsistency', args: proof.args } })
 */
export async function proveInconsistency({
  mirror,
  sources,
  older,
  newer,
}: {
  mirror: LeafMirror
  sources: readonly EntrySource[]
  older: SignedTree
  newer: SignedTree
}): Promise<InconsistencyProof> {
  const fetched: LeafFile[] = []
  try {
    const files: LeafFile[] = []
    for (const tree of [older, newer]) {
      const leaves = await leavesOf(mirror, sources, tree)
      if (typeof leaves === 'string') return { reason: leaves, unavailable: true }
      if (leaves !== mirror.file) fetched.push(leaves)
      files.push(leaves)
    }
    const [olderFile, newerFile] = files as [LeafFile, LeafFile]
    const olderSize = Number(older.checkpoint.treeSize)
    const newerSize = Number(newer.checkpoint.treeSize)
    const leafIndex = olderFile.firstDifference(newerFile, olderSize)
    if (leafIndex === undefined)
      return {
        reason: `the leaves of both trees agree on the first ${olderSize}: the older tree is a prefix of the newer, only the consistency proof served was wrong`,
      }
    const inclusion = async (file: LeafFile, treeSize: number) => ({
      leafHash: bytesToHex([...file.chunks(leafIndex, leafIndex + 1)][0] as Uint8Array),
      proof: (
        await buildInclusionProof({ leafIndex, treeSize, store: file, hash: nodeSha256 })
      ).map((h) => bytesToHex(h)),
    })
    return {
      leafIndex,
      args: [
        signedArg(older.checkpoint, older.signature),
        signedArg(newer.checkpoint, newer.signature),
        BigInt(leafIndex),
        await inclusion(olderFile, olderSize),
        await inclusion(newerFile, newerSize),
      ],
    }
  } finally {
    for (const file of fetched) rmSync(file.path, { force: true })
  }
}

/** The leaves of `tree`: the mirror's, else a gateway's that reproduce its root; else why not. */
async function leavesOf(
  mirror: LeafMirror,
  sources: readonly EntrySource[],
  tree: SignedTree,
): Promise<LeafFile | string> {
  const { epoch, treeSize, rootHash } = tree.checkpoint
  if (mirror.holds(treeSize, rootHash)) return mirror.file
  const failures: string[] = []
  for (const source of sources) {
    try {
      const got = await mirror.fetchTree(source, treeSize, rootHash)
      if ('file' in got) return got.file
      failures.push(
        `the entries gateway ${source.url} serves give the tree of ${treeSize} leaves the root ${got.root}, not the signed ${rootHash}`,
      )
    } catch (error) {
      failures.push((error as Error).message.split('\n')[0] ?? String(error))
    }
  }
  return `the leaves of epoch ${epoch} (${treeSize} leaves) are neither mirrored (${mirror.size} leaves) nor served: ${failures.join('; ') || 'no gateway'}`
}
