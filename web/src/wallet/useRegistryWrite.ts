import { useCallback } from 'react'
import type { Abi } from 'viem'
import {
  useConnection,
  useSwitchChain,
  useWaitForTransactionReceipt,
  useWriteContract,
} from 'wagmi'
import { writeErrorText } from './writeErrorText.ts'

export type WriteState =
  | { status: 'idle' }
  | { status: 'signing' }
  | { status: 'pending'; hash: `0x${string}` }
  | { status: 'confirmed'; hash: `0x${string}`; blockNumber: bigint }
  | { status: 'error'; message: string }

export type WriteRequest = {
  address: `0x${string}`
  abi: Abi
  functionName: string
  args: readonly unknown[]
}

/**
 * One registry write: switch the wallet to the chain if needed, send, wait for the receipt.
 * `state` says signing (waiting for the wallet), pending (sent), confirmed, or the error's short
 * message; `busy` is true while a write is under way (buttons stay disabled).
 *
 * @example
 * const write = useRegistryWrite(chainId, onConfirmed)
 * write.send({ address, abi, functionName: 'registerOperator', args: [uri, hash] })
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
    async (request: WriteRequest) => {
      write.reset()
      try {
        if (connection.chainId !== chainId) await switchChain.mutateAsync({ chainId })
        await write.mutateAsync({ ...request, chainId } as never)
      } catch {
        // The mutation keeps the error; it is shown from `write.error`.
      }
    },
    [write, connection.chainId, chainId, switchChain],
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
