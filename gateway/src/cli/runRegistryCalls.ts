import { type Abi, type Address, createWalletClient, encodeFunctionData, http } from 'viem'
import type { CliIo } from './io.ts'
import { registryErrorText, registryRevert } from './registryErrorText.ts'
import type { Sender } from './registrySender.ts'
import type { RegistryTarget } from './registryTargets.ts'

/** One registry call to make on one chain. */
export type PlannedCall = {
  address: Address
  abi: Abi
  functionName: string
  args: readonly unknown[]
}

/** What happened on one chain. */
export type CallResult = {
  network: string
  chainId: number
  function: string
  from: Address
  to: Address
} & (
  | { status: 'sent'; txHash: `0x${string}`; blockNumber: string }
  | { status: 'dry-run'; data: `0x${string}`; gas: string; args: unknown[] }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string }
)

/**
 * Makes one planned call per chain with the sender: simulated first (so that a refusal is the
 * contract's decoded custom error and costs nothing), then, unless a dry run, signed, sent and
 * waited for (status checked). Chains are done one after the other; a failure on one chain does
 * not stop the others. Prints one line per chain (or JSON) and returns the exit code: 0 when no
 * chain failed.
 *
 * @example
 * return runRegistryCalls({ io, command: 'tml operator register', targets, sender, dryRun, json, plan })
 */
export async function runRegistryCalls({
  io,
  command,
  targets,
  sender,
  dryRun,
  json,
  plan,
  extra = {},
}: {
  io: CliIo
  command: string
  targets: RegistryTarget[]
  sender: Sender
  dryRun: boolean
  json: boolean
  /** The call for a chain, or a reason to skip it (already done there). */
  plan: (target: RegistryTarget) => Promise<PlannedCall | { skip: string }>
  /** Fields added to the JSON output (a computed log id, say). */
  extra?: Record<string, unknown>
}): Promise<CallResult[]> {
  const results: CallResult[] = []
  for (const target of targets) {
    const result = await callOne({ target, sender, dryRun, plan })
    results.push(result)
    if (json) continue
    const head = `${target.network}: ${result.function}`
    if (result.status === 'sent')
      io.out(`${head}: tx ${result.txHash}, block ${result.blockNumber}\n`)
    else if (result.status === 'dry-run')
      io.out(
        `${head} (dry run, not sent): from ${result.from} to ${result.to}, gas ${result.gas}\n  data ${result.data}\n`,
      )
    else if (result.status === 'skipped') io.out(`${target.network}: ${result.reason}\n`)
    else io.err(`${command}: ${target.network}: ${result.error}\n`)
  }
  if (json)
    io.out(
      `${JSON.stringify({ from: sender.address, ...extra, chains: results }, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`,
    )
  return results
}

async function callOne({
  target,
  sender,
  dryRun,
  plan,
}: {
  target: RegistryTarget
  sender: Sender
  dryRun: boolean
  plan: (target: RegistryTarget) => Promise<PlannedCall | { skip: string }>
}): Promise<CallResult> {
  let call: PlannedCall | { skip: string }
  const base = { network: target.network, chainId: target.chainId, from: sender.address }
  try {
    call = await plan(target)
  } catch (error) {
    return { ...base, function: '-', to: target.lantern, status: 'failed', error: firstLine(error) }
  }
  if ('skip' in call)
    return { ...base, function: '-', to: target.lantern, status: 'skipped', reason: call.skip }
  const at = { ...base, function: call.functionName, to: call.address }
  const fail = (error: unknown): CallResult => {
    const revert = registryRevert(error)
    return {
      ...at,
      status: 'failed',
      error: revert ? registryErrorText(revert) : firstLine(error),
    }
  }
  try {
    const { request } = await target.client.simulateContract({
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
      account: sender.account ?? sender.address,
    })
    if (dryRun || sender.account === undefined) {
      const gas = await target.client.estimateContractGas({
        address: call.address,
        abi: call.abi,
        functionName: call.functionName,
        args: call.args,
        account: sender.address,
      })
      const data = encodeFunctionData({
        abi: call.abi,
        functionName: call.functionName,
        args: call.args,
      })
      return { ...at, status: 'dry-run', data, gas: gas.toString(), args: [...call.args] }
    }
    const wallet = createWalletClient({
      chain: target.chain,
      transport: http(target.rpcUrl, { retryCount: 2 }),
      account: sender.account,
    })
    const hash = await wallet.writeContract(request)
    const receipt = await target.client.waitForTransactionReceipt({ hash, timeout: 300_000 })
    if (receipt.status !== 'success')
      return { ...at, status: 'failed', error: `transaction ${hash} reverted` }
    return { ...at, status: 'sent', txHash: hash, blockNumber: receipt.blockNumber.toString() }
  } catch (error) {
    return fail(error)
  }
}
/** The exit code of a run: 1 when a chain failed. */
export function exitCodeOf(results: readonly CallResult[]): number {
  return results.some((r) => r.status === 'failed') ? 1 : 0
}
function firstLine(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string }
  return (e.shortMessage ?? e.message ?? String(error)).split('\n')[0] ?? String(error)
}
