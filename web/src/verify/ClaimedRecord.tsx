/**
 * What a bundle that did not verify claims, without the words or colours of a decision: its
 * record is shown, folded, as the raw claim it is, under a warning that nothing in it is
 * established.
 */
export function ClaimedRecord({ claimed }: { claimed: Record<string, unknown> }) {
  let json: string
  try {
    json = JSON.stringify(claimed, null, 2)
  } catch {
    json = '(the claimed record cannot be shown)'
  }
  return (
    <section className="card claimed" aria-labelledby="claimed-heading">
      <h2 id="claimed-heading">What the bundle claims (not verified)</h2>
      <p className="claimed-warning">
        This bundle did not verify, so nothing in its record is established: it is what the file
        says, not what a log committed to. Do not rely on it.
      </p>
      <details>
        <summary>Show the unverified claim (JSON)</summary>
        <pre className="json">{json}</pre>
      </details>
    </section>
  )
}
