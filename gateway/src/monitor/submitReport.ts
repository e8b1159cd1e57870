import { checkpointRegistryAbi, type Hex } from '@tml/core'
import { ContractFunctionRevertedError, BaseError as ViemBaseError } from 'viem'
import type { ChainReport } from './Finding.ts'
import { type PinnedChain, readLogStatus } from './PinnedChain.ts'

/** A report call of the CheckpointRegistry, with its arguments. */
export type ReportCall =
  | {
      functionName: 'reportEquivocation'
      args: readonly [SignedCheckpointArg, SignedCheckpointArg]
    }
  | { functionName: 'reportOutOfPeriod'; args: readonly [SignedCheckpointArg] }
  | { functionName: 'reportBrokenPromise'; args: BrokenPromiseArgs }
  | { functionName: 'reportInconsistency'; args: InconsistencyArgs }

type CheckpointArg = {
  logId: Hex
  epoch: bigint
  treeSize: bigint
  rootHash: Hex
  timestamp: bigint
}
/** `SignedCheckpoint` of the contracts: a checkpoint and its 65-byte signature. */
export type SignedCheckpointArg = { checkpoint: CheckpointArg; signature: Hex }
/** The arguments of `reportBrokenPromise` (see ICheckpointRegistry). */
export type BrokenPromiseArgs = readonly [
  receipt: { logId: Hex; traceId: string; seq: bigint; leafHash: Hex; timestamp: string },
  signature: Hex,
  keyX: Hex,
  keyY: Hex,
  anchored: CheckpointArg,
  other: { leafHash: Hex; proof: readonly Hex[] },
]

/** `LeafInclusion` of the contracts: a leaf hash and its RFC 9162 inclusion proof. */
export type LeafInclusionArg = { leafHash: Hex; proof: readonly Hex[] }
/**
 * The arguments of `reportInconsistency` (see ICheckpointRegistry): two signed checkpoints, a
 * leaf index in both trees, and that index's leaf (different ones) proven in each.
 */
export type InconsistencyArgs = readonly [
  first: SignedCheckpointArg,
  second: SignedCheckpointArg,
  leafIndex: bigint,
  inFirst: LeafInclusionArg,
  inSecond: LeafInclusionArg,
]

/**
 * A checkpoint and its signature as the registry's report calls take them (exactly the
 * checkpoint's fields).
 *
 * @example submitReport({ chains, logId, call: { functionName: 'reportOutOfPeriod', args: [signedArg(cp, sig)] } })
 */
export function signedArg(checkpoint: CheckpointArg, signature: Hex): SignedCheckpointArg {
  const { logId, epoch, treeSize, rootHash, timestamp } = checkpoint
  return { checkpoint: { logId, epoch, treeSize, rootHash, timestamp }, signature }
}

/**
 * What to send to one chain: a call, or why there is nothing to send there (the evidence is not
 * anchored on that chain, say).
 */
export type ReportFor = ReportCall | ((chain: PinnedChain) => ReportCall | string)

/**
 * Submits one report to the pinned registry of every chain from the reporter's account and waits
 * for each receipt. A chain where the log is already compromised is skipped (the registry takes
 * evidence once); a call that the chain would refuse is not sent (the simulation names the
 * contract's error); without a reporter account nothing is sent. Never throws: each chain's
 * outcome is in the result.
 *
 * @example
 * const call = { functionName: 'reportEquivocation', args: [a, b] } as const
 * const reports = await submitReport({ chains, logId, call })
 */
export async function submitReport({
  chains,
  logId,
  call,
}: {
  chains: readonly PinnedChain[]
  logId: Hex
  call: ReportFor
}): Promise<ChainReport[]> {
  return Promise.all(
    chains.map(async (chain): Promise<ChainReport> => {
      const { chainId } = chain
      try {
        const status = await readLogStatus(chain, logId)
        if (status === 'compromised') return { chainId, status: 'already-compromised' }
        if (status === 'unknown')
          return { chainId, status: 'failed', reason: 'the log is not declared on this chain' }
        const sent = typeof call === 'function' ? call(chain) : call
        if (typeof sent === 'string') return { chainId, status: 'not-submitted', reason: sent }
        if (chain.wallet?.account === undefined)
          return {
            chainId,
            status: 'not-submitted',
            reason: 'no reporter account (--key-file or TML_REPORTER_KEY)',
          }
        const { request } = await chain.client.simulateContract({
          address: chain.registry,
          abi: checkpointRegistryAbi,
          ...(sent as { functionName: 'reportEquivocation'; args: never }),
          account: chain.wallet.account,
        })
        const txHash = await chain.wallet.writeContract(request as never)
        const receipt = await chain.client.waitForTransactionReceipt({ hash: txHash })
        if (receipt.status !== 'success')
          return { chainId, status: 'failed', txHash, reason: 'the transaction reverted' }
        return { chainId, status: 'submitted', txHash, blockNumber: String(receipt.blockNumber) }
      } catch (error) {
        // Another reporter may have been first: then the log is compromised, as we wanted.
        const again = await readLogStatus(chain, logId).catch(() => undefined)
        if (again === 'compromised') return { chainId, status: 'already-compromised' }
        return { chainId, status: 'failed', reason: revertReason(error) }
      }
    }),
  )
}

/** The contract's custom error name and arguments, or the first line of the error. */
export function revertReason(error: unknown): string {
  if (error instanceof ViemBaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (revert instanceof ContractFunctionRevertedError && revert.data !== undefined)
      return `${revert.data.errorName}(${(revert.data.args ?? []).map(String).join(', ')})`
    return error.shortMessage
  }
  return (error as Error).message.split('\n')[0] ?? String(error)
}
