import type { Mtl } from '@tml/core'
import { describeDecision } from './describeDecision.ts'

/**
 * The decision a verified MTL records, in plain words and colours, with its scores and the
 * record's facts. Only for a record that verified: an unverified one is a `ClaimedRecord`.
 */
export function DecisionSummary({ mtl }: { mtl: Mtl }) {
  const words = describeDecision(mtl)
  return (
    <section className="card decision" aria-labelledby="decision-heading">
      <h2 id="decision-heading">The decision</h2>
      <p className="decision-trust">
        This record is verified: it is exactly what the log committed to.
      </p>
      <p className={`decision-headline ${words.tone}`} data-tone={words.tone}>
        {words.headline}
      </p>
      <p>
        <strong>Why: </strong>
        {words.trigger}
      </p>
      <p className="quote">“{words.detail}”</p>
      {words.resolution !== undefined && <p>{words.resolution}</p>}
      {words.metrics.length > 0 && (
        <table className="metrics">
          <caption>Scores the gateway measured</caption>
          <thead>
            <tr>
              <th scope="col">Score</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {words.metrics.map((m) => (
              <tr key={m.name}>
                <th scope="row">{m.label}</th>
                <td>{m.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="facts">
        {words.facts.map((fact) => (
          <div key={fact.label}>
            <dt>{fact.label}</dt>
            <dd className="hex">{fact.value}</dd>
          </div>
        ))}
      </dl>
      <details>
        <summary>The record itself (MTL, JSON)</summary>
        <pre className="json">{JSON.stringify(mtl, null, 2)}</pre>
      </details>
    </section>
  )
}
