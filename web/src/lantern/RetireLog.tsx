import { lanternRegistryAbi } from '@tml/core'
import { useId, useState } from 'react'
import type { ContractDeployment } from '../config/AppConfig.ts'
import { useRegistryWrite, type WriteState } from '../wallet/useRegistryWrite.ts'
import { WriteStatus } from '../wallet/WriteStatus.tsx'
import type { LogView } from './readRegistry.ts'

/**
 * Retires one of the connected operator's logs (`LanternRegistry.retireLog`, allowed to the log's
 * operator only: the console lists only that operator's active logs).
 */
export function RetireLog({
  chainId,
  lantern,
  logs,
  onChanged,
}: {
  chainId: number
  lantern: ContractDeployment
  logs: LogView[]
  onChanged: () => void
}) {
  const write = useRegistryWrite(chainId)
  return (
    <RetireLogForm
      logs={logs}
      state={write.state}
      busy={write.busy}
      onConfirmed={onChanged}
      onRetire={(logId) =>
        void write.send({
          chainId,
          address: lantern.address,
          abi: lanternRegistryAbi,
          functionName: 'retireLog',
          args: [logId],
        })
      }
    />
  )
}

/**
 * The form without the wallet (tested on its own): pick an active log, press Retire, then confirm
 * on a second button that names the log, because retiring cannot be undone: the log's head epoch
 * becomes its last and the chain refuses any later checkpoint.
 */
export function RetireLogForm({
  logs,
  state,
  busy,
  onRetire,
  onConfirmed,
}: {
  logs: LogView[]
  state: WriteState
  busy: boolean
  onRetire: (logId: LogView['logId']) => void
  onConfirmed?: () => void
}) {
  const active = logs.filter((l) => !l.retired)
  const [logId, setLogId] = useState('')
  const [confirming, setConfirming] = useState(false)
  const id = useId()
  const chosen = active.find((l) => l.logId === logId) ?? active[0]
  // A log retired here stays named in the confirmation until the list refreshes.
  if (chosen === undefined && state.status === 'idle') return null
  return (
    <form
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => {
        event.preventDefault()
        if (chosen === undefined) return
        if (!confirming) {
          setConfirming(true)
          return
        }
        setConfirming(false)
        onRetire(chosen.logId)
      }}
    >
      <h3 id={`${id}-heading`}>Retire a log</h3>
      <p>
        A retired log takes no more checkpoints: its last anchored epoch stays its last, and its
        history stays readable. This cannot be undone.
      </p>
      {chosen !== undefined && (
        <div className="form-grid">
          <div>
            <label htmlFor={id}>Log to retire</label>
            <select
              id={id}
              value={chosen.logId}
              disabled={confirming || busy}
              onChange={(e) => setLogId(e.target.value)}
            >
              {active.map((l) => (
                <option key={l.logId} value={l.logId}>
                  {l.name} ({l.headEpoch === 0n ? 'no checkpoint yet' : `epoch ${l.headEpoch}`})
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {confirming && chosen !== undefined && (
        <p className="notice warn" role="alert">
          Retire “{chosen.name}” ({chosen.logId})? Its gateway can anchor no more checkpoints for
          it.
        </p>
      )}
      <div className="actions">
        {confirming ? (
          <>
            <button type="submit" className="danger" disabled={busy}>
              Yes, retire “{chosen?.name}”
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="submit" className="danger" disabled={busy || chosen === undefined}>
            Retire log…
          </button>
        )}
      </div>
      <WriteStatus state={state} onConfirmed={onConfirmed} />
    </form>
  )
}
