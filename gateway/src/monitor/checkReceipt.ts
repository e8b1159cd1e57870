import {
  bytesToHex,
  type Checkpoint,
  checkpointRegistryAbi,
  type Hex,
  hashMtl,
  type Mtl,
  type ProofVerdict,
  readBundle,
  receiptKeyCommitment,
  type SignedReceipt,
  verifyProof,
  verifyReceipt,
} from '@tml/core'
import type { GatewayClient } from './gatewayClient.ts'
import { MonitorError } from './MonitorError.ts'
import { type PinnedChain, readLogStatus } from './PinnedChain.ts'
import { type ChainAnchor, readChainAnchors } from './readChainAnchors.ts'
import { readKeyPeriods } from './readKeyPeriods.ts'
import type { BrokenPromiseArgs, ReportCall } from './submitReport.ts'

/** The two ways a receipt's promise is proven broken on chain (`reportBrokenPromise`). */
export type BrokenPromiseKind = 'DifferentLeaf' | 'MissedDeadline'

/**
 * What a caller learns about its receipt:
 * - `included`: leaf `seq` is the receipt's leaf in a checkpoint anchored on the pinned chains,
 *   dated by the deadline; `bundle` is the gateway's proof bundle, verified;
 * - `pending`: no anchored checkpoint holds it yet and the deadline has not passed;
 * - `broken`: the promise is broken; with `kind`, `calls` hold the on-chain proof per chain;
 * - `invalid`: the receipt is not the log's (its key is not in the chains' history, or its
 *   signature does not verify), or the gateway's bundle does not verify.
 */
export type ReceiptVerdict = {
  status: 'included' | 'pending' | 'broken' | 'invalid'
  /** In plain words: what holds, and why. */
  reason: string
  /** Unix seconds: the receipt's time (fraction dropped) plus the log's maximum epoch interval. */
  deadline: bigint
  /** The gateway's bundle (included, or the one that shows another leaf). */
  bundle?: unknown
  /** The anchored checkpoint the verdict rests on. */
  checkpoint?: Checkpoint
  /** The chains that anchor that checkpoint. */
  anchoredOn?: number[]
  /** The shared verifier's verdict on the bundle, when there was one. */
  proof?: ProofVerdict
  kind?: BrokenPromiseKind
  /** Per chain: the report to send there, or why there is none. */
  calls?: Map<number, ReportCall | string>
}

export type CheckReceiptParameters = {
  receipt: SignedReceipt
  chains: readonly PinnedChain[]
  /** The log's gateway, for the proof bundle; without it only the chains are read. */
  gateway: GatewayClient | undefined
  /** The full receipt public key (0x04 ‖ x ‖ y) the caller pins; else the gateway's, checked. */
  receiptPublicKey?: Hex | undefined
  /** First block to read anchors from (default 0). */
  fromBlock?: bigint
}

/**
 * Checks a receipt's promise against the pinned chains: that leaf `receipt.seq` of the log is
 * `receipt.leafHash` in a checkpoint anchored within the log's maximum epoch interval (as the
 * chains hold it, `maxEpochIntervalOf`) after `receipt.timestamp`. The receipt's key must be a
 * receipt key of the chains' key history and its signature must verify. The gateway's proof
 * bundle is checked with core's verifier (`verifyProof`, registries pinned by the caller). When
 * the promise is broken and a chain holds the evidence, the verdict carries the arguments of
 * `reportBrokenPromise` for that chain: an anchored tree with another leaf at `seq`
 * (DifferentLeaf, the inclusion proof from the gateway's bundle), or a checkpoint anchored after
 * the deadline whose tree does not reach `seq` (MissedDeadline).
 *
 * @throws {MonitorError} when a chain cannot be read, does not know the log, or the chains
 *   disagree on the log's interval.
 * @example
 * const verdict = await checkReceipt({ receipt, chains, gateway })
 * verdict.status // 'included'
 */
export async function checkReceipt({
  receipt,
  chains,
  gateway,
  receiptPublicKey,
  fromBlock = 0n,
}: CheckReceiptParameters): Promise<ReceiptVerdict> {
  const { logId } = receipt
  if (chains.length === 0) throw new MonitorError('no chain to check the receipt against')
  const intervals = new Set<bigint>()
  let now = 0n
  for (const chain of chains) {
    const status = await readLogStatus(chain, logId)
    if (status === 'unknown')
      throw new MonitorError(`log ${logId} is not declared on chain ${chain.chainId}`)
    intervals.add(
      await chain.client.readContract({
        address: chain.registry,
        abi: checkpointRegistryAbi,
        functionName: 'maxEpochIntervalOf',
        args: [logId],
      }),
    )
    const block = await chain.client.getBlock({ blockTag: 'latest' })
    if (block.timestamp > now) now = block.timestamp
  }
  if (intervals.size !== 1)
    throw new MonitorError(
      `the chains disagree on the log's maximum epoch interval: ${[...intervals].join(', ')} s`,
    )
  const interval = [...intervals][0] as bigint
  const deadline = BigInt(Math.floor(Date.parse(receipt.timestamp) / 1000)) + interval
  const when = `${new Date(Number(deadline) * 1000).toISOString()} (receipt time + ${interval} s)`

  // The receipt must be the log's: signed by a receipt key of the chains' history.
  const lookup = gateway ? await gateway.proof(receipt.traceId) : undefined
  const publicKey =
    receiptPublicKey ??
    bundleKey(lookup?.status === 'anchored' ? lookup.bundle : undefined) ??
    (gateway ? (await gateway.checkpoints(logId, 1n, 1)).log.receiptPublicKey : undefined)
  if (publicKey === undefined)
    throw new MonitorError('no receipt public key: pass --receipt-key or --gateway')
  let commitment: Hex
  try {
    commitment = receiptKeyCommitment(publicKey)
  } catch {
    return {
      status: 'invalid',
      deadline,
      reason: `the receipt public key ${publicKey} is not a P-256 key`,
    }
  }
  const history = await readKeyPeriods(chains[0] as PinnedChain, logId)
  if (!history.some((p) => p.receiptKey.toLowerCase() === commitment.toLowerCase()))
    return {
      status: 'invalid',
      deadline,
      reason: `the receipt key ${publicKey.slice(0, 14)}… is not a receipt key of the log's history on chain ${chains[0]?.chainId}`,
    }
  if (!verifyReceipt({ receipt, publicKey }))
    return {
      status: 'invalid',
      deadline,
      reason:
        "the receipt's signature does not verify with the log's receipt key: it is not the log's",
    }
  const [x, y] = [`0x${publicKey.slice(4, 68)}`, `0x${publicKey.slice(68, 132)}`] as [Hex, Hex]
  const report = (anchored: Checkpoint, other: BrokenPromiseArgs[5]): ReportCall => ({
    functionName: 'reportBrokenPromise',
    args: [
      {
        logId,
        traceId: receipt.traceId,
        seq: BigInt(receipt.seq),
        leafHash: receipt.leafHash,
        timestamp: receipt.timestamp,
      },
      receipt.signature,
      x,
      y,
      anchored,
      other,
    ],
  })
  const seq = BigInt(receipt.seq)

  if (lookup?.status === 'anchored') {
    const proof = await verifyProof({
      bundle: lookup.bundle,
      chains: chains.map((c) => ({
        chainId: c.chainId,
        client: c.client,
        checkpointRegistry: c.registry,
      })),
    })
    const ok = (id: string) => proof.steps.find((s) => s.id === id)?.ok === true
    const { parts } = readBundle(lookup.bundle)
    const checkpoint = parts.checkpoint
    const failing = proof.steps.filter((s) => !s.ok).map((s) => s.id)
    if (
      checkpoint === undefined ||
      parts.mtl === undefined ||
      !['inclusion', 'checkpointSignature', 'anchored'].every(ok)
    )
      return {
        status: 'invalid',
        deadline,
        proof,
        bundle: lookup.bundle,
        reason: `the gateway's proof bundle does not verify (failing steps: ${failing.join(', ')})`,
      }
    const anchoredOn = proof.anchoredOn.map((a) => a.chainId)
    const leaf = bytesToHex(hashMtl(parts.mtl as Mtl))
    if (BigInt(parts.leafIndex ?? -1) !== seq)
      return {
        status: 'broken',
        deadline,
        proof,
        bundle: lookup.bundle,
        checkpoint,
        anchoredOn,
        reason: `the gateway's bundle puts trace ${receipt.traceId} at index ${parts.leafIndex}, not ${seq} as the receipt promised; this tool cannot prove it on chain (it needs the leaf at index ${seq})`,
      }
    if (leaf.toLowerCase() !== receipt.leafHash.toLowerCase()) {
      const other = {
        leafHash: leaf,
        proof: (lookup.bundle as { inclusionProof: Hex[] }).inclusionProof,
      }
      return {
        status: 'broken',
        kind: 'DifferentLeaf',
        deadline,
        proof,
        bundle: lookup.bundle,
        checkpoint,
        anchoredOn,
        reason: `the anchored tree of epoch ${checkpoint.epoch} holds leaf ${leaf} at index ${seq}, not ${receipt.leafHash} as the receipt promised`,
        calls: perChain(chains, (chain) =>
          anchoredOn.includes(chain.chainId)
            ? report(checkpoint, other)
            : `epoch ${checkpoint.epoch} is not anchored on this chain`,
        ),
      }
    }
    if (checkpoint.timestamp <= deadline)
      return {
        status: ok('logStatus') ? 'included' : 'broken',
        deadline,
        proof,
        bundle: lookup.bundle,
        checkpoint,
        anchoredOn,
        reason: ok('logStatus')
          ? `leaf ${seq} is in the checkpoint of epoch ${checkpoint.epoch}, anchored on chain ${anchoredOn.join(', ')}, dated ${iso(checkpoint.timestamp)}, by the deadline ${when}`
          : `leaf ${seq} is in the anchored checkpoint of epoch ${checkpoint.epoch}, but the log is proven compromised`,
      }
    // Included, but the bundle's checkpoint is late: was an earlier one in time? Each chain
    // anchors only trees consistent with its previous anchor, so an earlier anchored tree that
    // reaches `seq` holds the same leaf there.
    const anchors = await anchorsOf(chains, logId, fromBlock)
    const covering = [...anchors.values()]
      .flat()
      .filter((a) => a.checkpoint.treeSize > seq && a.checkpoint.timestamp <= deadline)
    if (covering.length > 0)
      return {
        status: 'included',
        deadline,
        proof,
        bundle: lookup.bundle,
        checkpoint,
        anchoredOn,
        reason: `leaf ${seq} is in the checkpoint of epoch ${checkpoint.epoch}, anchored on chain ${anchoredOn.join(', ')}; the tree first held it at epoch ${covering[0]?.checkpoint.epoch}, dated by the deadline ${when}`,
      }
    return missedDeadline(anchors, {
      late: `leaf ${seq} was anchored late: the first anchored checkpoint holding it is dated after the deadline ${when}`,
    })
  }

  // No bundle: pending until the deadline, then a checkpoint anchored after it proves the miss.
  const why =
    lookup === undefined
      ? 'no gateway was asked for a proof'
      : lookup.status === 'pending'
        ? `the gateway says: ${lookup.message}`
        : `the gateway does not know trace ${receipt.traceId}`
  if (now <= deadline)
    return {
      status: 'pending',
      deadline,
      reason: `not in an anchored checkpoint yet (${why}); the deadline is ${when}`,
    }
  return missedDeadline(await anchorsOf(chains, logId, fromBlock), {
    late: `the deadline ${when} has passed and no anchored checkpoint shows leaf ${seq} (${why})`,
  })

  function missedDeadline(
    anchors: Map<number, ChainAnchor[]>,
    { late }: { late: string },
  ): ReceiptVerdict {
    const evidence = new Map<number, Checkpoint>()
    for (const [chainId, list] of anchors) {
      // The latest checkpoint dated after the deadline whose tree does not reach the index.
      const found = list
        .filter((a) => a.checkpoint.timestamp > deadline && a.checkpoint.treeSize <= seq)
        .at(-1)
      if (found) evidence.set(chainId, found.checkpoint)
    }
    const first = [...evidence.values()][0]
    if (first === undefined)
      return {
        status: 'broken',
        deadline,
        reason: `${late}; no checkpoint anchored after the deadline leaves it out, so the chains cannot take the proof yet`,
      }
    return {
      status: 'broken',
      kind: 'MissedDeadline',
      deadline,
      checkpoint: first,
      anchoredOn: [...evidence.keys()],
      reason: `${late}: the checkpoint of epoch ${first.epoch}, dated ${iso(first.timestamp)}, holds ${first.treeSize} leaves, not index ${seq}`,
      calls: perChain(chains, (chain) => {
        const anchored = evidence.get(chain.chainId)
        return anchored === undefined
          ? 'no checkpoint anchored on this chain after the deadline leaves the index out'
          : report(anchored, { leafHash: `0x${'00'.repeat(32)}`, proof: [] })
      }),
    }
  }
}

function perChain(
  chains: readonly PinnedChain[],
  call: (chain: PinnedChain) => ReportCall | string,
): Map<number, ReportCall | string> {
  return new Map(chains.map((chain) => [chain.chainId, call(chain)]))
}

async function anchorsOf(
  chains: readonly PinnedChain[],
  logId: Hex,
  fromBlock: bigint,
): Promise<Map<number, ChainAnchor[]>> {
  const anchors = new Map<number, ChainAnchor[]>()
  for (const chain of chains) {
    const toBlock = await chain.client.getBlockNumber({ cacheTime: 0 })
    anchors.set(
      chain.chainId,
      await readChainAnchors({ chain, logId, fromBlock, toBlock, withSignatures: false }),
    )
  }
  return anchors
}

function bundleKey(bundle: unknown): Hex | undefined {
  return readBundle(bundle).parts.log?.receiptPublicKey
}

function iso(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString()
}
