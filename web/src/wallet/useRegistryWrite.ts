import { useCallback } from 'react'
import type { Abi, ContractFunctionArgs, ContractFunctionName } from 'viem'
import {
  type Config,
  useConnection,
  useSwitchChain,
  useWaitForTransactionReceipt,
  useWriteContract,
} from 'wagmi'
import type { WriteContractVariables } from 'wagmi/query'
import { writeErrorText } from './writeErrorText.ts'

export type WriteState =
  | { status: 'idle' }
  | { status: 'signing' }
  | { status: 'pending'; hash: `0x${string}` }
  | { status: 'confirmed'; hash: `0x${string}`; blockNumber: bigint }
  | { status: 'error'; message: string }

type Mutability = 'nonpayable' | 'payable'

/**
 * One contract write, typed by its const ABI (`@tml/core`'s generated ABIs) as wagmi's
 * `writeContract` types it: the function name must be a state-changing function of that ABI and
 * `args` its argument tuple. `chainId` is required: the wallet is switched to it first.
 */
export type WriteRequest<
  abi extends Abi | readonly unknown[],
  functionName extends ContractFunctionName<abi, Mutability>,
  args extends ContractFunctionArgs<abi, Mutability, functionName>,
> = WriteContractVariables<abi, functionName, args, Config, number> & { chainId: number }

/**
 * One registry write on `chainId`: switch the wallet to the chain if needed, send, wait for the
 * receipt.
 * `state` says signing (waiting for the wallet), pending (sent), confirmed, or the error's short
 * message; `busy` is true while a write is under way (buttons stay disabled).
 *
 * @example
 * const write = useRegistryWrite(chainId, onConfirmed)
 * write.send({ address, abi: lanternRegistryAbi, functionName: 'registerOperator', args: [uri, hash], chainId })
 */
export function useRegistryWrite(chainId: number, onConfirmed?: () => void) {
  const connection = useConnection()
  const switchChain = useSwitchChain()
  const write = useWriteContract()
  const receipt = useWaitForTransactionReceipt({
    hash: write.data,
    chainId,
    query: { enabled: write.data !== undefined },
  })

  const send = useCallback(
    async <
      const abi extends Abi | readonly unknown[],
      functionName extends ContractFunctionName<abi, Mutability>,
      args extends ContractFunctionArgs<abi, Mutability, functionName>,
    >(
      request: WriteRequest<abi, functionName, args>,
    ) => {
      write.reset()
      try {
        if (connection.chainId !== request.chainId)
          await switchChain.mutateAsync({ chainId: request.chainId })
        await write.mutateAsync<abi, functionName, args, number>(request)
      } catch {
        // The mutation keeps the error; it is shown from `write.error`.
      }
    },
    [write, connection.chainId, switchChain],
  )

  let state: WriteState = { status: 'idle' }
  if (write.isPending) state = { status: 'signing' }
  else if (write.error) state = { status: 'error', message: writeErrorText(write.error) }
  else if (write.data !== undefined) {
    if (receipt.error) state = { status: 'error', message: writeErrorText(receipt.error) }
    else if (receipt.data === undefined) state = { status: 'pending', hash: write.data }
    else if (receipt.data.status !== 'success')
      state = { status: 'error', message: `The transaction ${write.data} reverted.` }
    else state = { status: 'confirmed', hash: write.data, blockNumber: receipt.data.blockNumber }
  }
  const confirmedHash = state.status === 'confirmed' ? state.hash : undefined
  return {
    state,
    busy: state.status === 'signing' || state.status === 'pending',
    send,
    confirmedHash,
    onConfirmed,
  }
}
