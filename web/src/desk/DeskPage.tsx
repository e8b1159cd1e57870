import { useCallback, useEffect, useId, useState } from 'react'
import { useConfig } from '../config/ConfigContext.tsx'
import { type GatewayAccess, GatewayError, listPauses } from './gatewayApi.ts'
import { PauseCard } from './PauseCard.tsx'
import type { PendingPause } from './readPendingPause.ts'
import { useLanternStream } from './useLanternStream.ts'

type Pauses =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'done'; pauses: PendingPause[]; skipped: string[] }

/** The reviewer desk (User Decision Environment): live pending pauses, approve or refuse. */
export function DeskPage() {
  const { config } = useConfig()
  const [url, setUrl] = useState(config.gatewayUrl ?? '')
  // The local stack's page carries its development key (tml.config.json, loopback gateway only):
  // the desk connects by itself there. Elsewhere the reviewer pastes the key they were given.
  const devKey = config.gatewayUrl !== undefined ? config.devApiKey : undefined
  const [apiKey, setApiKey] = useState(devKey ?? '')
  const [access, setAccess] = useState<GatewayAccess | undefined>(() =>
    devKey !== undefined && config.gatewayUrl !== undefined
      ? { url: config.gatewayUrl, apiKey: devKey }
      : undefined,
  )
  const usingDevKey = devKey !== undefined && apiKey === devKey
  const [pauses, setPauses] = useState<Pauses>({ state: 'idle' })
  const [lanternOn, setLanternOn] = useState<boolean | undefined>()
  const [resolved, setResolved] = useState<string[]>([])
  const [now, setNow] = useState(Date.now())
  const ids = { url: useId(), key: useId() }

  const refresh = useCallback(
    async (lantern?: boolean) => {
      if (lantern !== undefined) setLanternOn(lantern)
      if (access === undefined) return
      try {
        const list = await listPauses(access)
        setPauses({ state: 'done', ...list })
      } catch (error) {
        setPauses({
          state: 'error',
          message: error instanceof GatewayError ? error.message : String(error),
        })
      }
    },
    [access],
  )
  const onStream = useCallback((lantern: boolean | undefined) => void refresh(lantern), [refresh])
  const stream = useLanternStream(access, onStream)

  useEffect(() => {
    if (access === undefined) return
    setPauses({ state: 'loading' })
    void refresh()
  }, [access, refresh])

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])

  const onResolved = useCallback(
    (pauseId: string, text: string) => {
      setResolved((list) => [text, ...list].slice(0, 20))
      setPauses((p) =>
        p.state === 'done' ? { ...p, pauses: p.pauses.filter((x) => x.pauseId !== pauseId) } : p,
      )
      void refresh()
    },
    [refresh],
  )

  return (
    <>
      <section className="card" aria-labelledby="desk-heading">
        <h1 id="desk-heading">Reviewer desk</h1>
        <p>
          Decisions the gateway paused wait here for a listed reviewer. Read the evidence, write
          why, and approve or refuse: your wallet signs the decision, and the gateway logs it as a
          new record.
        </p>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault()
            setAccess({ url: url.trim(), apiKey: apiKey.trim() })
          }}
        >
          <div className="field">
            <label htmlFor={ids.url}>Gateway URL</label>
            <input
              id={ids.url}
              type="url"
              required
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://gateway.example.org"
            />
          </div>
          <div className="field">
            <label htmlFor={ids.key}>
              API key (reads the pauses)
              {usingDevKey && (
                <span className="tag" data-dev-key>
                  {' '}
                  development key of the local stack
                </span>
              )}
            </label>
            <input
              id={ids.key}
              type="password"
              required
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              autoComplete="off"
            />
          </div>
          <button type="submit" className="primary">
            Connect to the gateway
          </button>
        </form>
        {usingDevKey ? (
          <p className="hint">
            This is the local stack of <code>npm start</code>: the page was served with its
            development API key (<code>data/dev-api-key</code>, for this machine only; a production
            page never carries one), so the desk connected by itself.
          </p>
        ) : (
          <p className="hint">
            The gateway’s operator gives each reviewer an API key (on the local stack of{' '}
            <code>npm start</code>: the key in <code>data/dev-api-key</code>). The page calls the
            gateway directly; the key stays in this tab.
          </p>
        )}
        {access !== undefined && (
          <p data-stream={stream}>
            Lantern stream:{' '}
            {stream === 'live' ? 'live' : stream === 'off' ? 'closed' : `${stream}…`}
            {lanternOn !== undefined && (
              <span
                className={`badge ${lanternOn ? 'lit' : 'dark'}`}
                style={{ marginLeft: '0.5rem' }}
              >
                {lanternOn ? 'Lantern on: pauses open' : 'Lantern off'}
              </span>
            )}
          </p>
        )}
      </section>
      {resolved.length > 0 && (
        <section className="card" aria-label="Resolved here">
          <ul>
            {resolved.map((text) => (
              <li key={text} className="resolved-item">
                {text}
              </li>
            ))}
          </ul>
        </section>
      )}
      {access !== undefined && (
        <section className="card" aria-labelledby="pauses-heading" data-pauses-state={pauses.state}>
          <h2 id="pauses-heading">Pending pauses</h2>
          {pauses.state === 'loading' && <p className="loading">Reading the pauses…</p>}
          {pauses.state === 'error' && (
            <p className="notice error" role="alert">
              {pauses.message}
            </p>
          )}
          {pauses.state === 'done' && pauses.pauses.length === 0 && (
            <p className="empty">No pause is waiting. New ones appear here by themselves.</p>
          )}
          {pauses.state === 'done' && pauses.skipped.length > 0 && (
            <p className="notice warn">
              {pauses.skipped.length} pause(s) were left out: {pauses.skipped.join('; ')}
            </p>
          )}
          {pauses.state === 'done' && pauses.pauses.length > 0 && (
            <ul className="operators">
              {pauses.pauses.map((pause) => (
                <PauseCard
                  key={pause.pauseId}
                  pause={pause}
                  access={access}
                  now={now}
                  onResolved={onResolved}
                />
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  )
}
