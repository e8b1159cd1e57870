import { accessRegistryAbi } from '@tml/core'
import { useCallback, useId, useState } from 'react'
import { parseEventLogs } from 'viem'
import { useConnection } from 'wagmi'
import { publicClientFor } from '../chain/publicClientFor.ts'
import { errorText } from '../ui/errorText.ts'
import { useRegistryWrite } from '../wallet/useRegistryWrite.ts'
import { WriteStatus } from '../wallet/WriteStatus.tsx'
import type { AccessChain } from './accessChains.ts'
import { accessRequestArgs } from './accessRequest.ts'
import type { AuditorKey } from './auditorKey.ts'

/**
 * Asks the AccessRegistry for access with the connected wallet (`requestAccess`): the log, its
 * vault epochs first to last, how long the grant lasts once k custodians approve, and the
 * auditor's public key. Reports the new grant's id from the transaction's `AccessRequested`.
 */
export function RequestAccessForm({
  chain,
  auditorKey,
  onGrant,
}: {
  chain: AccessChain
  auditorKey: AuditorKey | undefined
  onGrant: (grantId: bigint) => void
}) {
  const ids = { log: useId(), from: useId(), to: useId(), duration: useId() }
  const connection = useConnection()
  const [form, setForm] = useState({ logId: '', fromEpoch: '1', toEpoch: '1', durationS: '86400' })
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const [grantId, setGrantId] = useState<bigint | undefined>(undefined)
  const write = useRegistryWrite(chain.chainId)

  const onConfirmed = useCallback(() => {
    const hash = write.confirmedHash
    if (hash === undefined) return
    void (async () => {
      try {
        const receipt = await publicClientFor(chain).getTransactionReceipt({ hash })
        const [requested] = parseEventLogs({
          abi: accessRegistryAbi,
          eventName: 'AccessRequested',
          logs: receipt.logs,
        })
        if (requested === undefined) throw new Error(`no AccessRequested event in ${hash}`)
        setGrantId(requested.args.grantId)
        onGrant(requested.args.grantId)
      } catch (e) {
        setProblem(errorText(e))
      }
    })()
  }, [write.confirmedHash, chain, onGrant])

  const submit = () => {
    setProblem(undefined)
    setGrantId(undefined)
    let args: ReturnType<typeof accessRequestArgs>
    try {
      args = accessRequestArgs({ ...form, auditorKey: auditorKey?.publicKey })
    } catch (e) {
      setProblem(errorText(e))
      return
    }
    void write.send({
      address: chain.accessRegistry.address,
      abi: accessRegistryAbi,
      functionName: 'requestAccess',
      args,
      chainId: chain.chainId,
    })
  }
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  })

  return (
    <section className="card" aria-labelledby="request-access-heading">
      <h2 id="request-access-heading">Request access</h2>
      <p className="hint">
        Sent from your wallet to the AccessRegistry on {chain.name}. Once k of the log’s custodians
        approve, the grant is live for the duration you ask, and custodians release the epoch keys
        of these vault epochs to your public key only. A record’s vault epoch is in the gateway’s{' '}
        <code>GET /v1/vault/records/&lt;trace id&gt;</code>.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <div className="form-grid">
          <div className="field-wide">
            <label htmlFor={ids.log}>Log id</label>
            <input id={ids.log} className="hex-input" placeholder="0x…" {...field('logId')} />
          </div>
          <div className="field">
            <label htmlFor={ids.from}>First vault epoch</label>
            <input id={ids.from} inputMode="numeric" {...field('fromEpoch')} />
          </div>
          <div className="field">
            <label htmlFor={ids.to}>Last vault epoch</label>
            <input id={ids.to} inputMode="numeric" {...field('toEpoch')} />
          </div>
          <div className="field">
            <label htmlFor={ids.duration}>Duration once approved (seconds)</label>
            <input id={ids.duration} inputMode="numeric" {...field('durationS')} />
          </div>
        </div>
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={write.busy || connection.address === undefined || auditorKey === undefined}
          >
            Request access
          </button>
        </div>
        {(connection.address === undefined || auditorKey === undefined) && (
          <p className="hint" data-request-hint>
            {connection.address === undefined
              ? 'Connect your wallet to send the request.'
              : 'Generate or load your auditor key above first.'}
          </p>
        )}
      </form>
      {problem !== undefined && (
        <p className="notice error" role="alert">
          {problem}
        </p>
      )}
      <WriteStatus state={write.state} onConfirmed={onConfirmed} />
      {grantId !== undefined && (
        <p className="notice ok" data-requested-grant={String(grantId)}>
          Grant {String(grantId)} requested: the custodians approve it on chain.
        </p>
      )}
    </section>
  )
}
