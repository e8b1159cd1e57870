import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { chainName } from '../chain/chainName.ts'
import { useConfig } from '../config/ConfigContext.tsx'
import { bundleFromFragment, bundleToFragment } from './bundleFragment.ts'
import { DecisionSummary } from './DecisionSummary.tsx'
import { fetchGatewayProof } from './fetchGatewayProof.ts'
import { parseBundleText } from './parseBundleText.ts'
import { runVerification, type VerificationState } from './runVerification.ts'
import { StepList } from './StepList.tsx'

/**
 * The verifier: a bundle pasted, dropped, opened from a file, carried by the link's fragment or
 * fetched from a gateway, verified step by step in this browser.
 */
export function VerifyPage() {
  const { config } = useConfig()
  const [text, setText] = useState('')
  const [inputError, setInputError] = useState<string | undefined>()
  const [state, setState] = useState<VerificationState | undefined>()
  const [runNumber, setRunNumber] = useState(0)
  const [gatewayUrl, setGatewayUrl] = useState(config.gatewayUrl ?? '')
  const [traceId, setTraceId] = useState('')
  const [apiKey, setApiKey] = useState('')
  const [fetching, setFetching] = useState(false)
  const [link, setLink] = useState<string | undefined>()
  const [dragging, setDragging] = useState(false)
  const run = useRef(0)
  const ids = { text: useId(), file: useId(), gateway: useId(), trace: useId(), key: useId() }

  const verify = useCallback(
    async (source: string) => {
      const id = ++run.current
      setRunNumber(id)
      setState(undefined)
      setLink(undefined)
      const parsed = parseBundleText(source)
      if (!parsed.ok) {
        setInputError(parsed.message)
        setState(undefined)
        return
      }
      setInputError(undefined)
      await runVerification({
        value: parsed.value,
        config,
        onUpdate: (next) => {
          if (run.current === id) setState(next)
        },
      })
    },
    [config],
  )

  // A link whose fragment carries a bundle verifies at once; the fragment never left the browser.
  useEffect(() => {
    const fromFragment = () => {
      try {
        const carried = bundleFromFragment(window.location.hash)
        if (carried === undefined) return
        setText(carried)
        void verify(carried)
      } catch (error) {
        setInputError(error instanceof Error ? error.message : String(error))
      }
    }
    fromFragment()
    window.addEventListener('hashchange', fromFragment)
    return () => window.removeEventListener('hashchange', fromFragment)
  }, [verify])

  const readFile = async (file: File | undefined) => {
    if (file === undefined) return
    if (file.size > 1024 * 1024) {
      setInputError(`${file.name} is larger than 1 MiB: not a proof bundle.`)
      return
    }
    const content = await file.text()
    setText(content)
    void verify(content)
  }

  const fetchProof = async () => {
    setFetching(true)
    setInputError(undefined)
    const got = await fetchGatewayProof({ gatewayUrl, traceId, apiKey })
    setFetching(false)
    if (!got.ok) {
      setInputError(got.message)
      setState(undefined)
      return
    }
    setText(got.text)
    void verify(got.text)
  }

  const shareLink = async () => {
    const parsed = parseBundleText(text)
    if (!parsed.ok) return
    const url = `${window.location.origin}${window.location.pathname}${bundleToFragment(JSON.stringify(parsed.value))}`
    setLink(url)
    try {
      await navigator.clipboard.writeText(url)
    } catch {
      // No clipboard permission: the link is shown to copy by hand.
    }
  }

  const failed = state?.steps.filter((s) => s.status === 'failed') ?? []
  // The OpenTimestamps line does not decide the verdict, but a verdict must not hide its failure.
  const otsFailed = state?.steps.some((s) => s.id === 'ots' && s.status === 'failed') ?? false
  const anchoredOn = state?.steps
    .filter((s) => s.id.startsWith('anchor:') && s.status === 'ok')
    .map((s) => chainName(config, Number(s.id.slice(7))))

  return (
    <>
      <section className="card intro" aria-labelledby="verify-heading">
        <h1 id="verify-heading">Verify an AI decision</h1>
        <p>
          A proof bundle (<code>tml-proof/1</code>) holds one decision record of an AI system and
          the proofs that it is in a log whose checkpoint public chains hold. This page checks every
          proof here, in your browser.
        </p>
        <form
          onSubmit={(event) => {
            event.preventDefault()
            void verify(text)
          }}
        >
          <label htmlFor={ids.text}>Proof bundle (JSON): paste it, or drop its file here</label>
          <textarea
            id={ids.text}
            className={dragging ? 'drop-target dragging' : 'drop-target'}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onDragOver={(event) => {
              event.preventDefault()
              setDragging(true)
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(event) => {
              event.preventDefault()
              setDragging(false)
              void readFile(event.dataTransfer.files[0])
            }}
            rows={8}
            spellCheck={false}
            placeholder='{"v":"tml-proof/1","mtl":{…},…}'
            aria-describedby={inputError ? 'bundle-error' : undefined}
          />
          <div className="actions">
            <button type="submit" className="primary">
              Verify
            </button>
            <label className="file-button">
              Open a file…
              <input
                id={ids.file}
                type="file"
                accept="application/json,.json"
                onChange={(event) => void readFile(event.target.files?.[0])}
              />
            </label>
            {state?.done && (
              <button type="button" onClick={() => void shareLink()}>
                Copy a link to this proof
              </button>
            )}
          </div>
          {link !== undefined && (
            <p className="share">
              Link (the proof is in the part after #, which browsers never send to a server):{' '}
              <input
                readOnly
                value={link}
                aria-label="Link to this proof"
                onFocus={(e) => e.target.select()}
              />
            </p>
          )}
        </form>
        <details className="gateway-proof">
          <summary>Or fetch the proof from a gateway</summary>
          <p className="hint">
            A gateway serves the proof of any trace it logged once its checkpoint is anchored; no
            key is needed. The proof is then checked here like any other.
          </p>
          <form
            className="inline-form wide"
            onSubmit={(event) => {
              event.preventDefault()
              void fetchProof()
            }}
          >
            <div className="field">
              <label htmlFor={ids.gateway}>Gateway URL</label>
              <input
                id={ids.gateway}
                type="url"
                value={gatewayUrl}
                onChange={(e) => setGatewayUrl(e.target.value)}
                placeholder="https://gateway.example.org"
              />
            </div>
            <div className="field">
              <label htmlFor={ids.trace}>Trace id</label>
              <input
                id={ids.trace}
                value={traceId}
                onChange={(e) => setTraceId(e.target.value)}
                placeholder="0192d4e0-6f00-7a11-9b22-3c4d5e6f7a8b"
                spellCheck={false}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.key}>API key (optional)</label>
              <input
                id={ids.key}
                type="password"
                value={apiKey}
                onChange={(e) => setApiKey(e.target.value)}
                placeholder="if the gateway asks"
                autoComplete="off"
                spellCheck={false}
              />
            </div>
            <button type="submit" disabled={fetching}>
              {fetching ? 'Fetching…' : 'Fetch and verify'}
            </button>
          </form>
        </details>
        {inputError !== undefined && (
          <p id="bundle-error" className="notice error" role="alert">
            {inputError}
          </p>
        )}
      </section>

      {state !== undefined && (
        <section
          className="card result"
          aria-labelledby="result-heading"
          data-valid={state.done ? String(state.valid) : 'pending'}
          data-offline-ms={state.offlineMs.toFixed(3)}
          data-run={runNumber}
        >
          <h2 id="result-heading">Result</h2>
          <p
            className={`verdict ${!state.done ? 'running' : state.valid ? 'ok' : 'failed'}`}
            role="status"
            aria-live="polite"
          >
            {!state.done
              ? 'Checking…'
              : state.valid
                ? `Verified: this record is in a checkpoint signed by its log and anchored on ${anchoredOn?.join(' and ')}.${otsFailed ? " Its OpenTimestamps proof is not for this checkpoint's root (see that step)." : ''}`
                : `Not verified: ${failed.length} step${failed.length === 1 ? '' : 's'} failed (${failed.map((s) => s.id).join(', ')}).`}
          </p>
          <StepList steps={state.steps} anchors={state.anchors} config={config} />
        </section>
      )}
      {state?.mtl !== undefined && (
        <DecisionSummary mtl={state.mtl} verified={state.done ? state.valid : undefined} />
      )}
    </>
  )
}
