import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { useConfig } from '../config/ConfigContext.tsx'
import { bitcoinHeaders } from './bitcoinHeaders.ts'
import { bundleFromFragment, bundleToFragment } from './bundleFragment.ts'
import { ClaimedRecord } from './ClaimedRecord.tsx'
import { DecisionSummary } from './DecisionSummary.tsx'
import { describeVerdict } from './describeVerdict.ts'
import { fetchGatewayProof } from './fetchGatewayProof.ts'
import { OtsDownload } from './OtsDownload.tsx'
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
  const [bitcoinUrl, setBitcoinUrl] = useState(config.esploraUrl ?? '')
  // Read when a verification starts: typing it must not re-verify a bundle opened from a link.
  const bitcoinRef = useRef(bitcoinUrl)
  bitcoinRef.current = bitcoinUrl
  const [fetching, setFetching] = useState(false)
  const [link, setLink] = useState<string | undefined>()
  const [dragging, setDragging] = useState(false)
  const run = useRef(0)
  const ids = {
    text: useId(),
    file: useId(),
    gateway: useId(),
    trace: useId(),
    key: useId(),
    bitcoin: useId(),
  }

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
      let bitcoin: ReturnType<typeof bitcoinHeaders>
      try {
        bitcoin = bitcoinHeaders(bitcoinRef.current)
      } catch (error) {
        setInputError(error instanceof Error ? error.message : String(error))
        return
      }
      setInputError(undefined)
      await runVerification({
        value: parsed.value,
        config,
        bitcoin,
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

  const verdict = state === undefined ? undefined : describeVerdict(state, config)

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
        <details className="bitcoin-source">
          <summary>Also check the Bitcoin timestamp</summary>
          <p className="hint">
            The bundle's OpenTimestamps proof claims a Bitcoin block. Name a server of Bitcoin block
            headers (an Esplora API) and this browser asks it for that block's header and checks the
            proof against it; without one, the timestamp is reported as not checked.
          </p>
          <div className="field">
            <label htmlFor={ids.bitcoin}>Bitcoin block headers from (Esplora API URL)</label>
            <input
              id={ids.bitcoin}
              type="url"
              value={bitcoinUrl}
              onChange={(e) => setBitcoinUrl(e.target.value)}
              placeholder="https://blockstream.info/api"
              spellCheck={false}
            />
          </div>
        </details>
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

      {state !== undefined && verdict !== undefined && (
        <section
          className="card result"
          aria-labelledby="result-heading"
          data-valid={state.done ? String(state.valid) : 'pending'}
          data-offline-ms={state.offlineMs.toFixed(3)}
          data-run={runNumber}
        >
          <h2 id="result-heading">Result</h2>
          <p className={`verdict ${verdict.tone}`} role="status" aria-live="polite">
            {verdict.headline}
          </p>
          {verdict.scope !== undefined && <p className="verdict-scope">{verdict.scope}</p>}
          <StepList steps={state.steps} anchors={state.anchoredOn} config={config} />
          {state.done && state.otsBase64 !== undefined && (
            <OtsDownload base64={state.otsBase64} checkpoint={state.checkpoint} />
          )}
        </section>
      )}
      {/* The decision's words and colours are for a verified record only; anything else is a claim. */}
      {state?.done && state.valid && state.mtl !== undefined && <DecisionSummary mtl={state.mtl} />}
      {state?.done && !state.valid && state.claimed !== undefined && (
        <ClaimedRecord claimed={state.claimed} />
      )}
    </>
  )
}
