import { useEffect, useId, useMemo, useState } from 'react'
import { isAddress, isHex } from 'viem'
import { explorerLink } from '../chain/explorerLink.ts'
import { useConfig } from '../config/ConfigContext.tsx'
import { errorText } from '../ui/errorText.ts'
import { formatDuration, formatTime } from '../ui/formatTime.ts'
import { MaybeLink } from '../ui/MaybeLink.tsx'
import { saveFile } from '../ui/saveFile.ts'
import { analyzeEpochs } from './analyzeEpochs.ts'
import { type ConsistencyResult, checkEpochConsistency } from './checkEpochConsistency.ts'
import { EpochChart } from './EpochChart.tsx'
import { EpochTable } from './EpochTable.tsx'
import { historyToCsv, historyToJson } from './historyExport.ts'
import { type DeclaredLog, readDeclaredLogs } from './readDeclaredLogs.ts'
import { type EpochHistory, readEpochHistory } from './readEpochHistory.ts'

const STATUS_WORDS = ['unknown', 'active', 'retired', 'compromised (caught equivocating)']
const EQUIVOCATION_KINDS = [
  'the same epoch with two roots or sizes',
  'a later epoch with a smaller tree',
  'two epochs with one tree size and two roots',
  'two trees with different leaves at the same index',
]

type Load<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'done'; value: T }

/** Auditors: a log's epochs on one chain, with gaps, late and missing epochs, equivocations,
 * a consistency check from the operator's gateway, and CSV/JSON export. */
export default function HistoryPage() {
  const { config } = useConfig()
  const chains = config.chains.filter((c) => c.lanternRegistry && c.checkpointRegistry && c.rpcUrl)
  const params = new URLSearchParams(window.location.search)
  const [chainId, setChainId] = useState<number | undefined>(() => {
    const wanted = Number(params.get('chain'))
    return chains.find((c) => c.chainId === wanted)?.chainId ?? chains[0]?.chainId
  })
  const [filter, setFilter] = useState(() => params.get('log') ?? '')
  const [logs, setLogs] = useState<Load<DeclaredLog[]>>({ state: 'idle' })
  const [selected, setSelected] = useState<string>(() => params.get('log') ?? '')
  const [history, setHistory] = useState<Load<EpochHistory>>({ state: 'idle' })
  const [gatewayUrl, setGatewayUrl] = useState(config.gatewayUrl ?? '')
  const [consistency, setConsistency] = useState<Map<bigint, ConsistencyResult>>(new Map())
  const [checking, setChecking] = useState(false)
  const ids = { chain: useId(), filter: useId(), log: useId(), gateway: useId() }

  useEffect(() => {
    if (chainId === undefined) return
    let live = true
    setLogs({ state: 'loading' })
    readDeclaredLogs({ config, chainId }).then(
      (value) => live && setLogs({ state: 'done', value }),
      (error: unknown) => live && setLogs({ state: 'error', message: errorText(error) }),
    )
    return () => {
      live = false
    }
  }, [config, chainId])

  const needle = filter.trim().toLowerCase()
  const matching = useMemo(() => {
    if (logs.state !== 'done') return []
    if (needle === '') return logs.value
    return logs.value.filter(
      (l) => l.logId.toLowerCase() === needle || l.operator.toLowerCase() === needle,
    )
  }, [logs, needle])
  const filterProblem =
    needle !== '' && !isAddress(needle, { strict: false }) && !isHex(needle, { strict: true })
      ? 'Type an operator address (0x + 40 hex digits) or a log id (0x + 64 hex digits).'
      : needle !== '' && logs.state === 'done' && matching.length === 0
        ? 'No log on this chain has that id or operator.'
        : undefined
  const logId = (matching.find((l) => l.logId === selected) ?? matching[0])?.logId

  // The chosen log's history loads by itself (the first log of the chain when none is chosen),
  // again when the choice changes, and when asked to read the chain again.
  const [reloads, setReloads] = useState(0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `reloads` reads the chain again on request.
  useEffect(() => {
    setConsistency(new Map())
    if (chainId === undefined || logId === undefined) {
      setHistory({ state: 'idle' })
      return
    }
    let live = true
    setHistory({ state: 'loading' })
    const url = new URL(window.location.href)
    url.searchParams.set('chain', String(chainId))
    url.searchParams.set('log', logId)
    window.history.replaceState(null, '', url)
    readEpochHistory({ config, chainId, logId }).then(
      (value) => live && setHistory({ state: 'done', value }),
      (error: unknown) => live && setHistory({ state: 'error', message: errorText(error) }),
    )
    return () => {
      live = false
    }
  }, [config, chainId, logId, reloads])

  const analysis = history.state === 'done' ? analyzeEpochs(history.value) : undefined
  const explorer = config.chains.find((c) => c.chainId === chainId)?.explorer ?? {}

  const checkConsistency = async () => {
    if (analysis === undefined || history.state !== 'done') return
    setChecking(true)
    const results = new Map<bigint, ConsistencyResult>()
    await checkEpochConsistency({
      rows: analysis.rows,
      logId: history.value.logId,
      gatewayUrl,
      onResult: (epoch, result) => {
        results.set(epoch, result)
        setConsistency(new Map(results))
      },
    })
    setChecking(false)
  }

  const checked = [...consistency.values()]
  const proven = checked.filter((r) => r.status === 'ok').length
  const broken = checked.filter((r) => r.status === 'failed').length

  if (chains.length === 0)
    return (
      <section className="card">
        <h1>Epoch history</h1>
        <p className="notice warn">
          No chain is configured with its registries and an RPC URL: see tml.config.json.
        </p>
      </section>
    )

  return (
    <>
      <section className="card" aria-labelledby="history-heading">
        <h1 id="history-heading">Epoch history</h1>
        <p>
          Every checkpoint a log anchored on a chain, read from the chain itself. A log promises a
          checkpoint at least every <em>maximum epoch interval</em>; late or missing epochs and
          proven equivocations stand out.
        </p>
        <form
          className="history-form"
          onSubmit={(event) => {
            event.preventDefault()
            setReloads((n) => n + 1)
          }}
        >
          <div className="field">
            <label htmlFor={ids.chain}>Chain</label>
            <select
              id={ids.chain}
              value={chainId}
              onChange={(e) => setChainId(Number(e.target.value))}
            >
              {chains.map((c) => (
                <option key={c.chainId} value={c.chainId}>
                  {c.name} ({c.chainId})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.filter}>Operator address or log id (optional)</label>
            <input
              id={ids.filter}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder="0x…"
              spellCheck={false}
              aria-describedby={filterProblem ? 'filter-problem' : undefined}
            />
          </div>
          <div className="field field-wide">
            <label htmlFor={ids.log}>Log</label>
            <div className="select-row">
              <select
                id={ids.log}
                value={logId ?? ''}
                onChange={(e) => setSelected(e.target.value)}
                disabled={matching.length === 0}
              >
                {logs.state === 'loading' && <option value="">Loading logs…</option>}
                {logs.state === 'done' && matching.length === 0 && <option value="">No log</option>}
                {matching.map((l) => (
                  <option key={l.logId} value={l.logId}>
                    {l.name} — operator {l.operator.slice(0, 6)}…{l.operator.slice(-4)}
                  </option>
                ))}
              </select>
              <button type="submit" disabled={logId === undefined || history.state === 'loading'}>
                {history.state === 'loading' ? 'Reading the chain…' : 'Read the chain again'}
              </button>
            </div>
          </div>
        </form>
        {filterProblem && (
          <p id="filter-problem" className="notice warn">
            {filterProblem}
          </p>
        )}
        {logs.state === 'error' && (
          <p className="notice error" role="alert">
            The chain could not be read: {logs.message}
          </p>
        )}
        {logs.state === 'done' && logs.value.length === 0 && (
          <p className="empty">No log is declared on this chain yet.</p>
        )}
        {history.state === 'error' && (
          <p className="notice error" role="alert">
            {history.message}
          </p>
        )}
      </section>

      {history.state === 'done' && analysis !== undefined && (
        <section
          className="card"
          aria-labelledby="log-heading"
          data-history-log={history.value.logId}
        >
          <h2 id="log-heading">Log “{history.value.name}”</h2>
          <dl className="facts">
            <div>
              <dt>Log id</dt>
              <dd className="hex">{history.value.logId}</dd>
            </div>
            <div>
              <dt>Operator</dt>
              <dd className="hex">
                <MaybeLink href={explorerLink(explorer, 'address', history.value.operator)}>
                  {history.value.operator}
                </MaybeLink>
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{STATUS_WORDS[history.value.status] ?? history.value.status}</dd>
            </div>
            <div>
              <dt>Maximum epoch interval</dt>
              <dd>{formatDuration(Number(history.value.maxEpochInterval))}</dd>
            </div>
            <div>
              <dt>Epochs anchored</dt>
              <dd>{analysis.rows.length}</dd>
            </div>
            <div>
              <dt>Late epochs</dt>
              <dd>{analysis.lateCount}</dd>
            </div>
          </dl>
          <div role="status" aria-live="polite">
            {history.value.equivocations.length > 0 && (
              <div className="notice error">
                <strong>This log was caught equivocating</strong>: it signed checkpoints that cannot
                both be true. Its operator’s Lantern is dark for good.
                <ul>
                  {history.value.equivocations.map((e) => (
                    <li key={e.transactionHash}>
                      {e.firstEpoch === e.secondEpoch
                        ? `epoch ${e.firstEpoch}`
                        : `epochs ${e.firstEpoch} and ${e.secondEpoch}`}
                      : {EQUIVOCATION_KINDS[e.kind] ?? `kind ${e.kind}`}, reported by {e.reporter}{' '}
                      in{' '}
                      <MaybeLink href={explorerLink(explorer, 'tx', e.transactionHash)}>
                        block {e.blockNumber.toString()}
                      </MaybeLink>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {analysis.lateCount > 0 && (
              <p className="notice warn">
                {analysis.lateCount} epoch{analysis.lateCount === 1 ? ' was' : 's were'} late: the
                gap before {analysis.lateCount === 1 ? 'it' : 'them'} exceeded the log’s maximum
                epoch interval (longest gap {formatDuration(Number(analysis.largestGap))}), so
                receipts issued then were kept late.
              </p>
            )}
            {analysis.missing.length > 0 && (
              <p className="notice error">
                Epochs missing from the chain’s events: {analysis.missing.join(', ')} (the RPC
                endpoint may be dropping events).
              </p>
            )}
            {analysis.overdueBy !== undefined && (
              <p className="notice warn">
                No checkpoint for {formatDuration(Number(analysis.overdueBy))}: the log is late now
                (last checkpoint{' '}
                {formatTime(analysis.rows.at(-1)?.timestamp ?? history.value.declaredAt)}).
              </p>
            )}
            {analysis.rows.length === 0 && (
              <p className="empty">This log has not anchored any checkpoint yet.</p>
            )}
          </div>
          <EpochChart rows={analysis.rows} maxEpochInterval={history.value.maxEpochInterval} />

          <h3>Consistency between epochs</h3>
          <p>
            The chain checked each checkpoint against the previous one when it was anchored; check
            it again here with proofs from the operator’s gateway (only the proofs are used, checked
            against the roots the chain holds).
          </p>
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault()
              void checkConsistency()
            }}
          >
            <div className="field">
              <label htmlFor={ids.gateway}>Operator’s gateway URL</label>
              <input
                id={ids.gateway}
                type="url"
                value={gatewayUrl}
                onChange={(e) => setGatewayUrl(e.target.value)}
                placeholder="https://gateway.example.org"
              />
            </div>
            <div />
            <button
              type="submit"
              disabled={checking || gatewayUrl.trim() === '' || analysis.rows.length < 2}
            >
              {checking ? 'Checking…' : 'Check consistency'}
            </button>
          </form>
          {checked.length > 0 && (
            <p className={`notice ${broken > 0 ? 'error' : 'info'}`} data-consistency-summary>
              {proven} of {Math.max(0, analysis.rows.length - 1)} consecutive epoch pairs proven
              consistent{broken > 0 ? `; ${broken} proof${broken === 1 ? '' : 's'} failed` : ''}.
            </p>
          )}

          <div className="actions">
            <button
              type="button"
              onClick={() =>
                saveFile(
                  `epochs-${history.value.chainId}-${history.value.logId.slice(0, 10)}.csv`,
                  historyToCsv(analysis, consistency),
                  'text/csv',
                )
              }
            >
              Download CSV
            </button>
            <button
              type="button"
              onClick={() =>
                saveFile(
                  `epochs-${history.value.chainId}-${history.value.logId.slice(0, 10)}.json`,
                  historyToJson(history.value, analysis, consistency),
                  'application/json',
                )
              }
            >
              Download JSON
            </button>
          </div>
          <EpochTable rows={analysis.rows} explorer={explorer} consistency={consistency} />
        </section>
      )}
    </>
  )
}
