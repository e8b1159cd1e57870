import { type CausalNode, MTL_LIMITS } from '@tml/core'

/**
 * A causal graph with `notes` appended: nodes that state a standing fact about the log rather
 * than a step of one decision (the operator's `--no-anchoring`). The graph stays within the
 * schema's 64 nodes: when it is full, the input nodes with nothing before them (metric and field
 * readings) make room from the end, and the nodes that named them stop naming them; the checks,
 * the state and the notes stay.
 *
 * Spec: `mtl/1` (core's mtlSchema, causal node), issue 13 (`--no-anchoring` on every MTL).
 *
 * @example
 * withCausalNotes(graph, [{ id: 'anchoring:disabled', kind: 'anchoring_disabled', inputs: [] }])
 */
export function withCausalNotes(
  graph: readonly CausalNode[],
  notes: readonly CausalNode[],
): CausalNode[] {
  if (notes.length === 0) return [...graph]
  const room = MTL_LIMITS.causalNodes - notes.length
  let kept = [...graph]
  const dropped = new Set<string>()
  for (let i = kept.length - 1; i >= 0 && kept.length - dropped.size > room; i--) {
    const node = kept[i] as CausalNode
    if (node.inputs.length === 0 && (node.kind === 'metric' || node.kind === 'field'))
      dropped.add(node.id)
  }
  if (dropped.size > 0) {
    kept = kept
      .filter((n) => !dropped.has(n.id))
      .map((n) => ({ ...n, inputs: n.inputs.filter((id) => !dropped.has(id)) }))
  }
  // Checks alone never fill the graph (a policy has at most 32 rules), but the limit holds anyway.
  return [...kept.slice(Math.max(0, kept.length - room)), ...notes]
}
