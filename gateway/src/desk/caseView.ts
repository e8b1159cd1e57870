import type { Hex } from '@tml/core'
import type { OpenPause } from '../pause/PauseManager.ts'
import type { PauseEvidence } from './PauseEvidence.ts'

/** The case of a pause as `POST /v1/pauses/{id}/case` answers it. */
export type CaseView = {
  pause_id: string
  profile: string
  seq: number
  leaf_hash: Hex
  trigger_type: string
  trigger_detail: string
  /** The engine's scores logged with the pause. */
  metrics: Record<string, number>
  /** The MTL's `input_hash`: SHA-256 of `evidence`. */
  input_hash: Hex
  /** The MTL's `output_hash`: SHA-256 of `output_text`, when an output is held. */
  output_hash: Hex | null
  /** RFC 8785 text of the pseudonymized `{ context, input, signals }`, byte for byte as hashed. */
  evidence: string
  input: unknown
  context: unknown
  signals: unknown
  /** RFC 8785 text of the pseudonymized output held with the pause, or null. */
  output_text: string | null
  output: unknown
  /** An MCP tool call's name, arguments and server, when the pause holds one. */
  tool: {
    name: string
    arguments: unknown
    server: string | null
    transport: string | null
  } | null
  /** The assistant's text of a held chat completion (OpenAI proxy pauses), when there is one. */
  held_answer: string | null
  deadline: string
  /** The reviewer whose request was served, and until when that request was valid. */
  reviewer: Hex
  expires_at: number
}

/**
 * The reviewer's view of a pause's case: the evidence texts exactly as hashed into the MTL (so
 * the desk can check them against `input_hash` and `output_hash`), their parsed values, and the
 * two shapes a reviewer most needs spelled out: the tool call of an MCP pause (`input.tool`,
 * `context.mcp`) and the held answer of a proxied chat completion (`output.choices[0].message`).
 *
 * @example
 * reply.send(caseView({ pause, evidence: cases.read(pauseId), reviewer, expiresAt }))
 */
export function caseView({
  pause,
  evidence,
  reviewer,
  expiresAt,
}: {
  pause: OpenPause
  evidence: PauseEvidence
  reviewer: Hex
  expiresAt: number
}): CaseView {
  const parsed = JSON.parse(evidence.evidence) as {
    input?: unknown
    context?: unknown
    signals?: unknown
  }
  const output = evidence.output === null ? null : (JSON.parse(evidence.output) as unknown)
  return {
    pause_id: pause.pauseId,
    profile: pause.profile,
    seq: pause.mtl.seq,
    leaf_hash: pause.leafHash,
    trigger_type: pause.mtl.trigger_type,
    trigger_detail: pause.mtl.trigger_detail,
    metrics: pause.mtl.metrics,
    input_hash: pause.mtl.input_hash,
    output_hash: pause.mtl.output_hash,
    evidence: evidence.evidence,
    input: parsed.input ?? null,
    context: parsed.context ?? null,
    signals: parsed.signals ?? null,
    output_text: evidence.output,
    output,
    tool: toolCall(parsed.input, parsed.context),
    held_answer: heldAnswer(output),
    deadline: new Date(pause.deadlineMs).toISOString(),
    reviewer,
    expires_at: expiresAt,
  }
}

function toolCall(input: unknown, context: unknown): CaseView['tool'] {
  const tool = record(record(input)?.tool)
  if (!tool || typeof tool.name !== 'string') return null
  const mcp = record(record(context)?.mcp)
  return {
    name: tool.name,
    arguments: tool.arguments ?? null,
    server: typeof mcp?.server === 'string' ? mcp.server : null,
    transport: typeof mcp?.transport === 'string' ? mcp.transport : null,
  }
}

function heldAnswer(output: unknown): string | null {
  const choices = record(output)?.choices
  if (!Array.isArray(choices)) return null
  const texts = choices
    .map((c) => record(record(c)?.message)?.content)
    .filter((t): t is string => typeof t === 'string')
  return texts.length === 0 ? null : texts.join('\n\n')
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined
}
