import type { Mtl } from '@tml/core'
import { describeDecision } from './describeDecision.ts'

/** The decision an MTL records, in plain words, with its scores and the record's facts. */
export function DecisionSummary({ mtl, verified }: { mtl: Mtl; verified: boolean | undefined }) {
  const words = describeDecision(mtl)
  return (
    <section className="card decision" aria-labelledby="decision-heading">
      <h2 id="decision-heading">The decision</h2>
      <p className={verified === false ? 'decision-trust unverified' : 'decision-trust'}>
        {verified === true
          ? 'This record is verified: it is exactly what the log committed to.'
          : verified === false
            ? 'Careful: this is what the bundle claims, and it did not verify.'
            : 'Checking the record…'}
      </p>
      {/* Unverified, the claim keeps no colour of its own: a green "+1" must not read as checked. */}
      <p
        className={`decision-headline ${verified === false ? 'unverified' : words.tone}`}
        data-tone={words.tone}
      >
        {verified === false ? `Claimed, not verified: ${words.headline}` : words.headline}
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
