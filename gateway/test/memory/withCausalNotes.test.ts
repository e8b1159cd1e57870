import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type CausalNode, MTL_LIMITS, validateMtl } from '@tml/core'
import { withCausalNotes } from '../../src/memory/withCausalNotes.ts'
import { ANCHORING_DISABLED_NODE } from '../../src/service/createGateway.ts'
import { decisionDraft, LOG_ID } from '../helpers/memory.ts'

describe('withCausalNotes', () => {
  test('default: the note is appended to a small graph, which is otherwise unchanged', () => {
    const graph: CausalNode[] = [
      { id: 'metric:harm', kind: 'metric', inputs: [] },
      { id: 'check:harm', kind: 'harm', inputs: ['metric:harm'] },
      { id: 'state', kind: 'state', inputs: ['check:harm'] },
    ]
    assert.deepEqual(withCausalNotes(graph, [ANCHORING_DISABLED_NODE]), [
      ...graph,
      ANCHORING_DISABLED_NODE,
    ])
    assert.deepEqual(withCausalNotes([], [ANCHORING_DISABLED_NODE]), [ANCHORING_DISABLED_NODE])
  })

  test('boundary: a full graph stays within 64 nodes: input readings make room, no node names a dropped one, and the MTL is valid', () => {
    const inputs = Array.from({ length: MTL_LIMITS.causalNodes - 2 }, (_, i) => ({
      id: `field:input.f${i}`,
      kind: 'field',
      inputs: [],
    }))
    const graph: CausalNode[] = [
      ...inputs,
      {
        id: 'check:rule',
        kind: 'mandate',
        inputs: inputs.slice(-MTL_LIMITS.causalInputs).map((n) => n.id),
      },
      { id: 'state', kind: 'state', inputs: ['check:rule'] },
    ]
    assert.equal(graph.length, MTL_LIMITS.causalNodes)
    const noted = withCausalNotes(graph, [ANCHORING_DISABLED_NODE])
    assert.equal(noted.length, MTL_LIMITS.causalNodes)
    assert.deepEqual(noted.at(-1), ANCHORING_DISABLED_NODE)
    assert.deepEqual(
      noted.slice(-3, -1).map((n) => n.id),
      ['check:rule', 'state'],
    )
    const ids = new Set(noted.map((n) => n.id))
    for (const n of noted) for (const id of n.inputs) assert.ok(ids.has(id), `${n.id} names ${id}`)
    const mtl = { ...decisionDraft(), v: 'mtl/1', log_id: LOG_ID, seq: 0, causal_graph: noted }
    assert.equal(validateMtl(mtl).valid, true)
  })
})
