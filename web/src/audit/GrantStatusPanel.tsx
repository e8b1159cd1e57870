import { useId, useState } from 'react'
import { publicClientFor } from '../chain/publicClientFor.ts'
import { errorText } from '../ui/errorText.ts'
import type { AccessChain } from './accessChains.ts'
import { wholeNumber } from './accessRequest.ts'
import { describeGrantStatus, type GrantStatus, readGrantStatus } from './grantStatus.ts'

/**
 * A grant's status read from the AccessRegistry: approvals against the k needed, when it
 * expires, its log, epochs and auditor key. `grantId` is the text of the shared grant field.
 */
export function GrantStatusPanel({
  chain,
  grantId,
  onGrantId,
}: {
  chain: AccessChain
  grantId: string
  onGrantId: (value: string) => void
}) {
  const ids = { grant: useId() }
  const [status, setStatus] = useState<
    | { state: 'idle' | 'loading' }
    | { state: 'done'; grant: GrantStatus }
    | { state: 'error'; message: string }
  >({ state: 'idle' })

  const read = async () => {
    setStatus({ state: 'loading' })
    try {
      const grant = await readGrantStatus({
        client: publicClientFor(chain),
        accessRegistry: chain.accessRegistry.address,
        grantId: wholeNumber(grantId, 'the grant id'),
      })
      setStatus({ state: 'done', grant })
    } catch (e) {
      setStatus({ state: 'error', message: errorText(e) })
    }
  }

  return (
    <section className="card" aria-labelledby="grant-status-heading">
      <h2 id="grant-status-heading">Grant status</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void read()
        }}
      >
        <div className="field">
          <label htmlFor={ids.grant}>Grant id</label>
          <input
            id={ids.grant}
            inputMode="numeric"
            value={grantId}
            onChange={(e) => onGrantId(e.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={status.state === 'loading'}>
            Read the grant from the chain
          </button>
        </div>
      </form>
      {status.state === 'loading' && <p className="loading">Reading the AccessRegistry…</p>}
      {status.state === 'error' && (
        <p className="notice error" role="alert">
          {status.message}
        </p>
      )}
      {status.state === 'done' && (
        <>
          <p
            className={`notice ${status.grant.state === 'live' ? 'ok' : 'warn'}`}
            data-grant-state={status.grant.state}
          >
            {describeGrantStatus(status.grant)}
          </p>
          {status.grant.state !== 'missing' && (
            <dl className="facts">
              <dt>Approvals</dt>
              <dd data-grant-approvals>
                {status.grant.info.approvals} of {status.grant.info.threshold} needed
              </dd>
              <dt>Log</dt>
              <dd className="hex">{status.grant.info.logId}</dd>
              <dt>Vault epochs</dt>
              <dd>
                {String(status.grant.info.fromEpoch)} to {String(status.grant.info.toEpoch)}
              </dd>
              <dt>Auditor key</dt>
              <dd className="hex">{status.grant.info.auditorKey}</dd>
            </dl>
          )}
        </>
      )}
    </section>
  )
}
