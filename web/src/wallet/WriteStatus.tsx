import { useEffect, useRef } from 'react'
import type { WriteState } from './useRegistryWrite.ts'

/** The state of a write in words, announced to screen readers; calls `onConfirmed` once per transaction. */
export function WriteStatus({
  state,
  onConfirmed,
}: {
  state: WriteState
  onConfirmed?: (() => void) | undefined
}) {
  const seen = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (state.status === 'confirmed' && seen.current !== state.hash) {
      seen.current = state.hash
      onConfirmed?.()
    }
  }, [state, onConfirmed])
  const text =
    state.status === 'idle'
      ? ''
      : state.status === 'signing'
        ? 'Waiting for your wallet…'
        : state.status === 'pending'
          ? `Pending: transaction ${state.hash} sent, waiting for a block…`
          : state.status === 'confirmed'
            ? `Confirmed in block ${state.blockNumber} (transaction ${state.hash}).`
            : `Error: ${state.message}`
  return (
    <p
      className={`write-status ${state.status}`}
      role="status"
      aria-live="polite"
      data-write-status={state.status}
    >
      {text}
    </p>
  )
}
