import type { BundleParts } from '../../bundle/readBundle.ts'
import { errorMessage } from '../../bundle/steps/Problems.ts'
import type { VerificationStep } from '../../bundle/VerificationStep.ts'
import { checkpointRegistryAbi } from '../../contracts/abis.ts'
import { searchBlockRanges } from '../../rpc/searchBlockRanges.ts'
import type { CompromiseProof, LogStatusName, LogStatusView } from '../ProofVerdict.ts'
import type { ReadyChain } from './chainsStep.ts'
import { makeStep } from './makeStep.ts'

const STATUS: readonly LogStatusName[] = ['unknown', 'active', 'retired', 'compromised']
const KINDS = [
  'SameEpoch',
  'TreeShrank',
  'SameSizeDifferentRoots',
  'DifferentLeaves',
  'SignedOutsidePeriod',
  'HandoverBreach',
  'KeyFork',
  'BrokenPromise',
] as const
const TITLE = 'The log has not been proven to contradict itself'

/**
 * Step `logStatus`: the log's life cycle on every ready chain (`logStatus`). A log proven
 * compromised on any chain fails the verdict, whatever the bundle shows: its checkpoints can no
 * longer be taken at their word. The proof's transaction is the latest `EquivocationReported`
 * event of the log on that chain. A retired log is a notice. Internal to verifyProof.
 *
 * Spec: ICheckpointRegistry `logStatus`, `EquivocationReported`.
 *
 * @example const { step, log } = await logStatusStep({ ready, parts })
 */
export async function logStatusStep({
  ready,
  parts,
}: {
  ready: readonly ReadyChain[]
  parts: BundleParts
}): Promise<{ step: VerificationStep; log: LogStatusView | undefined }> {
  const logId = parts.checkpoint?.logId
  if (logId === undefined || ready.length === 0) {
    return {
      step: makeStep({
        id: 'logStatus',
        title: TITLE,
        outcome: logId === undefined ? 'fail' : 'unchecked',
        reason:
          logId === undefined
            ? "Not checked: the proof file's checkpoint is damaged."
            : 'Not checked: no chain could be read.',
      }),
      log: undefined,
    }
  }
  const failures: string[] = []
  const byChain: LogStatusView['byChain'] = []
  await Promise.all(
    ready.map(async (chain) => {
      try {
        const status = await chain.client.readContract({
          address: chain.checkpointRegistry,
          abi: checkpointRegistryAbi,
          functionName: 'logStatus',
          args: [logId],
        })
        byChain.push({ chainId: chain.chainId, status: STATUS[status] ?? 'unknown' })
      } catch (error) {
        failures.push(`chain ${chain.chainId}: logStatus failed: ${errorMessage(error)}`)
      }
    }),
  )
  byChain.sort((a, b) => a.chainId - b.chainId)
  const worst = byChain.reduce<LogStatusName>(
    (w, c) => (rank(c.status) > rank(w) ? c.status : w),
    'unknown',
  )
  const compromisedOn = ready.filter(
    (c) => byChain.find((b) => b.chainId === c.chainId)?.status === 'compromised',
  )
  const compromise = await Promise.all(
    compromisedOn.map((chain) => readCompromise({ chain, logId })),
  )
  const log: LogStatusView = { status: worst, byChain, compromise }
  const detail = [
    ...byChain.map((c) => `chain ${c.chainId}: ${c.status}`),
    ...compromise.map(
      (p) =>
        `chain ${p.chainId}: EquivocationReported ${p.kind ?? '?'} in transaction ${p.txHash ?? '?'}${p.note ? ` (${p.note})` : ''}`,
    ),
    ...failures,
  ].join('; ')
  if (compromise.length > 0) {
    const where = compromise
      .map((p) => `chain ${p.chainId}${p.txHash ? ` (transaction ${p.txHash})` : ''}`)
      .join(', ')
    return {
      step: makeStep({
        id: 'logStatus',
        title: TITLE,
        outcome: 'fail',
        reason: `This log was proven on chain to have contradicted itself, on ${where}: nothing it published can be taken at its word.`,
        detail,
      }),
      log,
    }
  }
  if (failures.length > 0)
    return {
      step: makeStep({
        id: 'logStatus',
        title: TITLE,
        outcome: 'fail',
        reason: "The log's status could not be read from every chain.",
        detail,
      }),
      log,
    }
  if (worst === 'unknown')
    return {
      step: makeStep({
        id: 'logStatus',
        title: TITLE,
        outcome: 'fail',
        reason: 'None of the checked chains knows this log.',
        detail,
      }),
      log,
    }
  if (worst === 'retired')
    return {
      step: makeStep({
        id: 'logStatus',
        title: TITLE,
        outcome: 'notice',
        reason:
          'The log is retired: it publishes nothing more; what it anchored before stays valid.',
        detail,
      }),
      log,
    }
  return { step: makeStep({ id: 'logStatus', title: TITLE, outcome: 'pass', detail }), log }
}

function rank(status: LogStatusName): number {
  return STATUS.indexOf(status)
}

async function readCompromise({
  chain,
  logId,
}: {
  chain: ReadyChain
  logId: `0x${string}`
}): Promise<CompromiseProof> {
  const proof: CompromiseProof = {
    chainId: chain.chainId,
    txHash: undefined,
    blockNumber: undefined,
    kind: undefined,
    note: undefined,
  }
  try {
    // In block ranges the RPC accepts, newest first: the report is likely recent.
    const events = await searchBlockRanges({
      fromBlock: chain.fromBlock,
      toBlock: await chain.client.getBlockNumber(),
      newestFirst: true,
      stopAtFirst: true,
      span: chain.eventSpan,
      read: (fromBlock, toBlock) =>
        chain.client.getContractEvents({
          address: chain.checkpointRegistry,
          abi: checkpointRegistryAbi,
          eventName: 'EquivocationReported',
          args: { logId },
          fromBlock,
          toBlock,
        }),
    })
    // The first report marks the log compromised; later ones revert, so there is one.
    const event = events[0]
    if (event === undefined) proof.note = 'no EquivocationReported event found'
    else {
      proof.txHash = event.transactionHash ?? undefined
      proof.blockNumber = event.blockNumber ?? undefined
      proof.kind = KINDS[event.args.kind ?? -1] ?? String(event.args.kind)
    }
  } catch (error) {
    proof.note = `the report's transaction was not read: ${errorMessage(error)}`
  }
  return proof
}
