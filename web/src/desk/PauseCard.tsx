import {
  bytesToHex,
  caseRequestTypedData,
  type Mtl,
  resolutionTypedData,
  sha256,
  utf8ToBytes,
} from '@tml/core'
import { useEffect, useId, useState } from 'react'
import { useConnection, useSignTypedData } from 'wagmi'
import { formatDuration } from '../ui/formatTime.ts'
import { writeErrorText } from '../wallet/writeErrorText.ts'
import {
  type GatewayAccess,
  GatewayError,
  postResolution,
  readCase,
  readPauseMtl,
} from './gatewayApi.ts'
import type { PauseCase } from './readPauseCase.ts'
import type { PendingPause } from './readPendingPause.ts'

/** How long a reviewer's signature stays valid after signing, in seconds. */
const SIGNATURE_LIFETIME_S = 600
/** How long a signed case request stays valid (the gateway accepts at most 300 s), in seconds. */
const CASE_REQUEST_LIFETIME_S = 120

type Outcome = { kind: 'resolved'; text: string } | { kind: 'error'; text: string }

/**
 * One open pause: its evidence (profile, trigger, scores, the pause record checked against the
 * leaf hash), its case on request (the pseudonymized input and context, the held answer, the
 * tool call: the wallet signs a short-lived request, the gateway answers it to listed reviewers
 * only), the time left, and approve or refuse with a written rationale signed by the reviewer's
 * wallet (its hash signed, the text sent to be sealed with the resolution).
 */
export function PauseCard({
  pause,
  access,
  now,
  onResolved,
}: {
  pause: PendingPause
  access: GatewayAccess
  now: number
  onResolved: (pauseId: string, text: string) => void
}) {
  const connection = useConnection()
  const sign = useSignTypedData()
  const [rationale, setRationale] = useState('')
  const [busy, setBusy] = useState<1 | -1 | undefined>()
  const [outcome, setOutcome] = useState<Outcome | undefined>()
  const [evidence, setEvidence] = useState<
    { mtl: Mtl | undefined; matches: boolean } | 'error' | undefined
  >()
  const [pauseCase, setPauseCase] = useState<PauseCase | 'loading' | undefined>()
  const [caseError, setCaseError] = useState<string | undefined>()
  const rationaleId = useId()
  const left = Math.max(0, Math.floor((pause.deadlineMs - now) / 1000))

  useEffect(() => {
    let live = true
    readPauseMtl(access, pause).then(
      (read) => live && setEvidence(read),
      () => live && setEvidence('error'),
    )
    return () => {
      live = false
    }
  }, [access, pause])

  const showCase = async () => {
    setPauseCase('loading')
    setCaseError(undefined)
    try {
      const issuedAt = Math.floor(Date.now() / 1000)
      const message = {
        logId: pause.logId,
        pauseId: pause.pauseId,
        nonce: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
        issuedAt: BigInt(issuedAt),
        expiresAt: BigInt(issuedAt + CASE_REQUEST_LIFETIME_S),
      }
      // As for resolutions, the desk signs core's constants.
      const signature = await sign.mutateAsync(caseRequestTypedData(message))
      setPauseCase(
        await readCase(access, pause.pauseId, {
          log_id: message.logId,
          pause_id: message.pauseId,
          nonce: message.nonce,
          issued_at: issuedAt,
          expires_at: issuedAt + CASE_REQUEST_LIFETIME_S,
          signature,
        }),
      )
    } catch (error) {
      setPauseCase(undefined)
      setCaseError(error instanceof GatewayError ? error.message : writeErrorText(error))
    }
  }

  const resolve = async (decision: 1 | -1) => {
    setBusy(decision)
    setOutcome(undefined)
    try {
      const text = rationale.trim()
      const rationaleHash = bytesToHex(sha256(utf8ToBytes(text)))
      const deadline = Math.floor(Date.now() / 1000) + SIGNATURE_LIFETIME_S
      // The desk signs core's constants, never types a gateway sends (see RESOLUTION_DOMAIN).
      const signature = await sign.mutateAsync(
        resolutionTypedData({
          logId: pause.logId,
          pauseId: pause.pauseId,
          pauseLeafHash: pause.leafHash,
          decision,
          rationaleHash,
          deadline: BigInt(deadline),
        }),
      )
      const answer = await postResolution(access, pause.pauseId, {
        decision,
        rationale_hash: rationaleHash,
        deadline,
        signature,
        rationale: text,
      })
      onResolved(
        pause.pauseId,
        `Pause ${pause.pauseId} ${decision === 1 ? 'approved (+1)' : 'refused (−1)'}: resolution record ${answer.traceId}.`,
      )
    } catch (error) {
      if (error instanceof GatewayError && error.status === 409)
        onResolved(pause.pauseId, `Pause ${pause.pauseId} was already resolved.`)
      else
        setOutcome({
          kind: 'error',
          text: error instanceof GatewayError ? error.message : writeErrorText(error),
        })
    } finally {
      setBusy(undefined)
    }
  }

  const canSign =
    connection.status === 'connected' && rationale.trim() !== '' && busy === undefined && left > 0
  // Why Approve and Refuse are greyed, next to them.
  const why =
    left <= 0
      ? 'The pause timed out: it can no longer be resolved here.'
      : connection.status !== 'connected'
        ? rationale.trim() === ''
          ? 'Connect your wallet and write your rationale to approve or refuse.'
          : 'Connect your wallet to sign.'
        : rationale.trim() === ''
          ? 'Write your rationale above to approve or refuse.'
          : undefined
  return (
    <li className="pause-card" data-pause={pause.pauseId} aria-labelledby={`${rationaleId}-title`}>
      <h3 id={`${rationaleId}-title`}>
        Pause {pause.pauseId} <span className="badge">{pause.profile}</span>
      </h3>
      <p>
        <strong>{pause.triggerType}</strong>: {pause.triggerDetail}
      </p>
      <p className={left < 60 ? 'notice warn' : undefined} data-time-left>
        {left > 0
          ? `${formatDuration(left)} left: without a decision it becomes a refusal (−1).`
          : 'Timed out: the gateway refuses (−1).'}
      </p>
      {pause.metrics.length > 0 && (
        <p>
          Scores: {pause.metrics.map((m) => `${m.name.replace(/_/g, ' ')} ${m.value}`).join(', ')}
        </p>
      )}
      <p>
        The system proposes to hold this decision. Approve and it proceeds (+1), its output is
        released; refuse and it refuses (−1). Either way a new signed record is appended to the log.
      </p>
      <details>
        <summary>Evidence record #{pause.seq}</summary>
        {evidence === undefined && <p className="loading">Reading the pause record…</p>}
        {evidence === 'error' && (
          <p className="notice warn">The pause record could not be read from the gateway.</p>
        )}
        {evidence !== undefined && evidence !== 'error' && (
          <>
            <p
              className={evidence.matches ? 'notice ok' : 'notice error'}
              data-evidence={evidence.matches ? 'checked' : 'mismatch'}
            >
              {evidence.matches
                ? `Checked in this browser: this record hashes to ${pause.leafHash}, the leaf hash you sign.`
                : 'This record does not hash to the leaf hash you would sign: do not resolve from it.'}
            </p>
            {evidence.mtl && <pre className="json">{JSON.stringify(evidence.mtl, null, 2)}</pre>}
          </>
        )}
      </details>
      <div className="actions">
        <button
          type="button"
          disabled={connection.status !== 'connected' || pauseCase === 'loading'}
          aria-describedby={
            connection.status !== 'connected' ? `${rationaleId}-case-why` : undefined
          }
          onClick={() => void showCase()}
        >
          {pauseCase === 'loading' ? 'Signing…' : pauseCase ? 'Show the case again' : 'Show case'}
        </button>
        {connection.status !== 'connected' && (
          <span id={`${rationaleId}-case-why`} className="hint">
            Connect a reviewer's wallet to sign a request for the case.
          </span>
        )}
      </div>
      {caseError && (
        <p className="notice error" role="alert" data-case-error>
          {caseError}
        </p>
      )}
      {pauseCase && pauseCase !== 'loading' && (
        <CaseView
          pauseCase={pauseCase}
          recordInputHash={
            evidence !== undefined && evidence !== 'error' && evidence.matches
              ? evidence.mtl?.input_hash
              : undefined
          }
        />
      )}
      <label htmlFor={rationaleId}>
        Your rationale (sent with the resolution and sealed in the gateway's evidence vault when it
        has one; the log keeps only its SHA-256, which you sign)
      </label>
      <textarea
        id={rationaleId}
        rows={2}
        value={rationale}
        onChange={(e) => setRationale(e.target.value)}
      />
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={!canSign}
          aria-describedby={why ? `${rationaleId}-why` : undefined}
          onClick={() => void resolve(1)}
        >
          {busy === 1 ? 'Signing…' : 'Approve (+1)'}
        </button>
        <button
          type="button"
          className="danger"
          disabled={!canSign}
          aria-describedby={why ? `${rationaleId}-why` : undefined}
          onClick={() => void resolve(-1)}
        >
          {busy === -1 ? 'Signing…' : 'Refuse (−1)'}
        </button>
        {why && (
          <span id={`${rationaleId}-why`} className="hint" data-sign-hint>
            {why}
          </span>
        )}
      </div>
      {outcome && (
        <p className={`notice ${outcome.kind === 'error' ? 'error' : 'ok'}`} role="alert">
          {outcome.text}
        </p>
      )}
    </li>
  )
}

/**
 * The case of a pause: the tool call or held answer first (what would happen on approval), then
 * the input and context, with the hashes checked in this browser against the pause record.
 */
function CaseView({
  pauseCase,
  recordInputHash,
}: {
  pauseCase: PauseCase
  recordInputHash: string | undefined
}) {
  const checked =
    pauseCase.evidenceMatches &&
    pauseCase.outputMatches !== false &&
    recordInputHash !== undefined &&
    recordInputHash.toLowerCase() === pauseCase.inputHash.toLowerCase()
  const { tool, heldAnswer } = pauseCase
  return (
    <section className="pause-case" data-case aria-label={`Case of pause ${pauseCase.pauseId}`}>
      <p
        className={checked ? 'notice ok' : 'notice error'}
        data-case-check={checked ? 'checked' : 'mismatch'}
      >
        {checked
          ? `Checked in this browser: this case hashes to the input_hash${pauseCase.outputText === null ? '' : ' and output_hash'} of the pause record you sign for.`
          : 'This case does not hash to the pause record you would sign for: do not resolve from it.'}
      </p>
      {tool && (
        <>
          <h4>Tool call</h4>
          <p data-case-tool>
            <code>{tool.name}</code>
            {tool.server !== null && ` on MCP server ${tool.server}`}
            {tool.transport !== null && ` (${tool.transport})`}
          </p>
          <pre className="json" data-case-arguments>
            {JSON.stringify(tool.arguments, null, 2)}
          </pre>
        </>
      )}
      {heldAnswer !== null && (
        <>
          <h4>Held answer (released only on approval)</h4>
          <blockquote className="held-answer" data-case-answer>
            {heldAnswer}
          </blockquote>
        </>
      )}
      {heldAnswer === null && pauseCase.output !== null && (
        <>
          <h4>Held output (released only on approval)</h4>
          <pre className="json" data-case-output>
            {JSON.stringify(pauseCase.output, null, 2)}
          </pre>
        </>
      )}
      <h4>Input</h4>
      <pre className="json" data-case-input>
        {JSON.stringify(pauseCase.input, null, 2)}
      </pre>
      <h4>Context</h4>
      <pre className="json" data-case-context>
        {JSON.stringify(pauseCase.context, null, 2)}
      </pre>
    </section>
  )
}
