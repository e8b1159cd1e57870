import type { ReplayDifference } from '@tml/gateway/replay/jsonDifferences'
import type { BrowserReplay } from './replayInBrowser.ts'

/** A value of a difference as JSON, or "(absent)" on the side that has none. */
export function shownValue(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value)
}

/** The sealed JSON text of the case, indented; the text as it is when it is not JSON. */
export function shownJson(text: string | null): string {
  if (text === null) return '(none)'
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/**
 * What a replay in the page found, as `tml replay` reports it: the checks passed, what was
 * taken from the record, identical or each difference with its JSON path; then the decrypted
 * case (the sealed evidence, output, scores and rationale).
 */
export function ReplayReport({ replay }: { replay: BrowserReplay }) {
  const { result, verdict, record } = replay
  const anchoredOn = verdict.anchoredOn
    .map((a) => `chain ${a.chainId}${a.blockNumber === undefined ? '' : ` block ${a.blockNumber}`}`)
    .join(', ')
  return (
    <div data-replay={result.identical ? 'identical' : 'different'}>
      {result.identical ? (
        <p className="notice ok" data-replay-verdict>
          Identical:{' '}
          {result.replayed === null
            ? 'the sealed rationale is the one the resolution hashed.'
            : `the engine, re-run here on the sealed inputs, gives state ${result.replayed.state}, trigger ${result.replayed.trigger_type}, the same causal graph (${result.replayed.causal_graph.length} nodes) and metrics as the anchored record.`}
        </p>
      ) : (
        <p className="notice error" data-replay-verdict>
          Different: {result.differences.length} difference(s) between the anchored record and its
          replay. The engine is deterministic: each one is a finding.
        </p>
      )}
      <ul className="checks">
        <li>Anchored: the MTL’s leaf is in a checkpoint anchored on {anchoredOn}.</li>
        <li>Sealed record: its SHA-256 is the MTL’s evidence_seal; opened under the grant.</li>
        {result.kind === 'decision' && (
          <>
            <li>Evidence: its SHA-256 is the MTL’s input_hash.</li>
            <li>Policy: the archived text hashes to policy_hash.</li>
          </>
        )}
        {result.taken_from_record.map((t) => (
          <li key={t}>From the record: {t}</li>
        ))}
        {result.notes.map((n) => (
          <li key={n}>Note: {n}</li>
        ))}
      </ul>
      {result.differences.length > 0 && <DifferenceTable differences={result.differences} />}
      <h3>
        The decrypted case (trace {result.trace_id}, seq {result.seq})
      </h3>
      <dl className="facts" data-decrypted-case>
        <dt>Request (input, context, signals)</dt>
        <dd>
          <pre data-case-evidence>{shownJson(record.evidence)}</pre>
        </dd>
        <dt>Output</dt>
        <dd>
          <pre>{shownJson(record.output)}</pre>
        </dd>
        <dt>Scores</dt>
        <dd>
          <pre>{record.scores === null ? '(none)' : JSON.stringify(record.scores, null, 2)}</pre>
        </dd>
        {record.rationale !== null && (
          <>
            <dt>Rationale</dt>
            <dd>{record.rationale}</dd>
          </>
        )}
      </dl>
    </div>
  )
}

function DifferenceTable({ differences }: { differences: readonly ReplayDifference[] }) {
  return (
    <table data-differences>
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Recorded</th>
          <th scope="col">Replayed</th>
        </tr>
      </thead>
      <tbody>
        {differences.map((d) => (
          <tr key={d.path}>
            <td>
              <code>{d.path}</code>
            </td>
            <td>
              <code>{shownValue(d.recorded)}</code>
            </td>
            <td>
              <code>{shownValue(d.replayed)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
