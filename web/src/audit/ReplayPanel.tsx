import { useId, useState } from 'react'
import { publicClientFor } from '../chain/publicClientFor.ts'
import { verifierChains } from '../chain/verifierChains.ts'
import { useConfig } from '../config/ConfigContext.tsx'
import { errorText } from '../ui/errorText.ts'
import { AuditError } from './AuditError.ts'
import type { AccessChain } from './accessChains.ts'
import { wholeNumber } from './accessRequest.ts'
import type { AuditorKey } from './auditorKey.ts'
import { ReplayReport } from './ReplayReport.tsx'
import { type BrowserReplay, type ReplayStage, replayInBrowser } from './replayInBrowser.ts'

const STAGE_TEXT: Record<ReplayStage, string> = {
  grant: 'Reading the grant…',
  proof: 'Verifying the proof bundle against the chains…',
  record: 'Opening the sealed record with the custodians’ releases…',
  policy: 'Fetching the policy by its hash…',
  replay: 'Re-running the decision engine…',
}

/** The code of an error of the replay (`TML_VAULT_KEY`, `TML_REPLAY_POLICY`…), when it has one. */
function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Forensic replay of a trace in this browser under a grant (see `replayInBrowser`): the
 * gateway serves public, sealed or hashed data only; the record is opened and the decision
 * re-run here, with the auditor's secret key, which never leaves the page.
 */
export function ReplayPanel({
  chain,
  auditorKey,
  grantId,
  onGrantId,
}: {
  chain: AccessChain
  auditorKey: AuditorKey | undefined
  grantId: string
  onGrantId: (value: string) => void
}) {
  const { config } = useConfig()
  const ids = { gateway: useId(), trace: useId(), grant: useId() }
  const [gatewayUrl, setGatewayUrl] = useState(config.gatewayUrl ?? '')
  const [traceId, setTraceId] = useState('')
  const [run, setRun] = useState<
    | { state: 'idle' }
    | { state: 'running'; stage: ReplayStage }
    | { state: 'done'; replay: BrowserReplay }
    | { state: 'error'; message: string; code: string | undefined }
  >({ state: 'idle' })

  const replay = async () => {
    setRun({ state: 'running', stage: 'grant' })
    try {
      if (auditorKey === undefined)
        throw new AuditError('load your auditor key file above first: it opens the releases', {
          code: 'TML_AUDIT_INPUT',
        })
      if (!/^https?:\/\//.test(gatewayUrl.trim()))
        throw new AuditError(`the gateway URL must be an http(s) URL, got "${gatewayUrl}"`, {
          code: 'TML_AUDIT_INPUT',
        })
      if (traceId.trim() === '')
        throw new AuditError('give the trace id of the decision to replay', {
          code: 'TML_AUDIT_INPUT',
        })
      const result = await replayInBrowser({
        gatewayUrl: gatewayUrl.trim(),
        traceId: traceId.trim(),
        grantId: wholeNumber(grantId, 'the grant id'),
        auditorKey,
        access: {
          client: publicClientFor(chain),
          accessRegistry: chain.accessRegistry.address,
          fromBlock: BigInt(chain.accessRegistry.blockNumber),
        },
        chains: verifierChains(config),
        onStage: (stage) => setRun({ state: 'running', stage }),
      })
      setRun({ state: 'done', replay: result })
    } catch (e) {
      setRun({ state: 'error', message: errorText(e), code: errorCode(e) })
    }
  }

  return (
    <section className="card" aria-labelledby="replay-heading">
      <h2 id="replay-heading">Replay a trace</h2>
      <p className="hint">
        Fetches the trace’s proof bundle, sealed record and policy from the gateway and the
        custodians’ releases from the chain; rebuilds the epoch key with your secret key, opens the
        record, checks it against the anchored MTL, and re-runs the decision engine in this browser.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void replay()
        }}
      >
        <div className="form-grid">
          <div className="field-wide">
            <label htmlFor={ids.gateway}>Gateway URL</label>
            <input
              id={ids.gateway}
              type="url"
              value={gatewayUrl}
              onChange={(e) => setGatewayUrl(e.target.value)}
            />
          </div>
          <div className="field-wide">
            <label htmlFor={ids.trace}>Trace id</label>
            <input id={ids.trace} value={traceId} onChange={(e) => setTraceId(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={ids.grant}>Under grant id</label>
            <input
              id={ids.grant}
              inputMode="numeric"
              value={grantId}
              onChange={(e) => onGrantId(e.target.value)}
            />
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={run.state === 'running'}>
            Replay in this browser
          </button>
        </div>
      </form>
      {run.state === 'running' && (
        <p className="loading" data-replay-stage={run.stage}>
          {STAGE_TEXT[run.stage]}
        </p>
      )}
      {run.state === 'error' && (
        <p className="notice error" role="alert" data-replay-error={run.code ?? ''}>
          Not replayed: {run.message}
          {run.code === undefined ? '' : ` [${run.code}]`}
        </p>
      )}
      {run.state === 'done' && <ReplayReport replay={run.replay} />}
    </section>
  )
}
