import { useCallback, useState } from 'react'
import { useConfig } from '../config/ConfigContext.tsx'
import { AuditorKeyPanel } from './AuditorKeyPanel.tsx'
import { accessChains } from './accessChains.ts'
import type { AuditorKey } from './auditorKey.ts'
import { GrantStatusPanel } from './GrantStatusPanel.tsx'
import { ReplayPanel } from './ReplayPanel.tsx'
import { RequestAccessForm } from './RequestAccessForm.tsx'

/**
 * The auditor view: the auditor's key (in this browser only), an access request sent with the
 * wallet, the grant's status from the chain, and the forensic replay of a trace in the browser
 * (the same checks and engine as `tml replay`).
 */
export function AuditPage() {
  const { config } = useConfig()
  const chains = accessChains(config)
  const [chainId, setChainId] = useState(chains[0]?.chainId)
  const [auditorKey, setAuditorKey] = useState<AuditorKey | undefined>(undefined)
  const [grantId, setGrantId] = useState('')
  const onGrant = useCallback((id: bigint) => setGrantId(String(id)), [])
  const chain = chains.find((c) => c.chainId === chainId) ?? chains[0]
  if (chain === undefined)
    return (
      <p className="notice warn">
        No configured chain has an AccessRegistry and an RPC URL: see tml.config.json.
      </p>
    )
  return (
    <>
      <section className="card" aria-labelledby="audit-heading">
        <h1 id="audit-heading">Auditor access</h1>
        <p>
          The gateway seals each decision’s full context under an epoch key that a quorum of
          custodians holds. Ask for access to a log’s epochs here; once k custodians approve on
          chain, they release those epoch keys to your key only, and you can replay a decision in
          this browser: decrypt its case, check it against the anchored record, and re-run the
          decision engine.
        </p>
        {chains.length > 1 && (
          <label>
            Chain of the AccessRegistry{' '}
            <select value={chain.chainId} onChange={(e) => setChainId(Number(e.target.value))}>
              {chains.map((c) => (
                <option key={c.chainId} value={c.chainId}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </section>
      <AuditorKeyPanel auditorKey={auditorKey} onKey={setAuditorKey} />
      <RequestAccessForm chain={chain} auditorKey={auditorKey} onGrant={onGrant} />
      <GrantStatusPanel chain={chain} grantId={grantId} onGrantId={setGrantId} />
      <ReplayPanel chain={chain} auditorKey={auditorKey} grantId={grantId} onGrantId={setGrantId} />
    </>
  )
}
