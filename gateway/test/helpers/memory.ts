import { randomUUID } from 'node:crypto'
import type { Hex } from '@tml/core'
import type { Decision } from '../../src/engine/types.ts'
import { createReceiptSigner } from '../../src/keys/createReceiptSigner.ts'
import { buildDecisionMtl } from '../../src/memory/buildMtl.ts'

export const LOG_ID: Hex = `0x${'ab'.repeat(32)}`
export const SEED = new Uint8Array(32).map((_, i) => i + 1)
export const signer = createReceiptSigner(SEED)
export const ZERO32: Hex = `0x${'00'.repeat(32)}`

export { tempDir } from './tempDir.ts'

const proceed: Decision = {
  state: 1,
  trigger_type: 'NONE',
  trigger_detail: 'no trigger fired',
  metrics: { confidence: 0.99 },
  causal_graph: [],
}

/** A valid decision draft with a fresh trace id. */
export function decisionDraft(decision: Decision = proceed) {
  return buildDecisionMtl({
    decision,
    traceId: randomUUID(),
    timestamp: '2025-01-01T00:00:00.000Z',
    policyHash: `0x${'11'.repeat(32)}`,
    model: { id: 'test-model', version_hash: `0x${'22'.repeat(32)}` },
    inputHash: `0x${'33'.repeat(32)}`,
    outputHash: null,
    subject: `psn:${'44'.repeat(32)}`,
  })
}
