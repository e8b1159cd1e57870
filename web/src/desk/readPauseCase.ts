import { bytesToHex, isHex, sha256, utf8ToBytes } from '@tml/core'

/** The case of a pause as the desk shows it: what the gateway answered, checked in the browser. */
export type PauseCase = {
  pauseId: string
  /** RFC 8785 text of the pseudonymized `{ context, input, signals }`. */
  evidence: string
  input: unknown
  context: unknown
  /** The held output's RFC 8785 text, or null. */
  outputText: string | null
  output: unknown
  /** An MCP tool call, when the pause holds one. */
  tool: { name: string; arguments: unknown; server: string | null; transport: string | null } | null
  /** The assistant text of a held chat completion, or null. */
  heldAnswer: string | null
  inputHash: `0x${string}`
  outputHash: `0x${string}` | null
  /** SHA-256 of `evidence` is `inputHash` (the gateway's claim, recomputed here). */
  evidenceMatches: boolean
  /** SHA-256 of `outputText` is `outputHash`; null when no output is held. */
  outputMatches: boolean | null
}

/**
 * Reads the answer of `POST /v1/pauses/{id}/case` (untrusted JSON) and recomputes the hashes:
 * the evidence text must hash to the `input_hash` it comes with, the held output to
 * `output_hash`. The desk compares `inputHash` with the pause record it checked against the
 * leaf hash, so the case shown is the case the reviewer signs for.
 *
 * @example const read = readPauseCase(json, pauseId); if ('case' in read) show(read.case)
 */
export function readPauseCase(
  value: unknown,
  pauseId: string,
): { case: PauseCase } | { problem: string } {
  if (typeof value !== 'object' || value === null) return { problem: 'not an object' }
  const c = value as Record<string, unknown>
  if (c.pause_id !== pauseId) return { problem: 'the case is not about this pause' }
  if (typeof c.evidence !== 'string') return { problem: 'evidence is not a text' }
  if (!isHex(c.input_hash, 32)) return { problem: 'input_hash is not 32-byte hex' }
  const outputText = typeof c.output_text === 'string' ? c.output_text : null
  const outputHash = isHex(c.output_hash, 32) ? c.output_hash : null
  const tool = readTool(c.tool)
  return {
    case: {
      pauseId,
      evidence: c.evidence,
      input: c.input ?? null,
      context: c.context ?? null,
      outputText,
      output: c.output ?? null,
      tool,
      heldAnswer: typeof c.held_answer === 'string' ? c.held_answer : null,
      inputHash: c.input_hash,
      outputHash,
      evidenceMatches: hashText(c.evidence) === c.input_hash.toLowerCase(),
      outputMatches:
        outputText === null ? null : hashText(outputText) === (outputHash ?? '').toLowerCase(),
    },
  }
}

function readTool(value: unknown): PauseCase['tool'] {
  if (typeof value !== 'object' || value === null) return null
  const t = value as Record<string, unknown>
  if (typeof t.name !== 'string') return null
  return {
    name: t.name,
    arguments: t.arguments ?? null,
    server: typeof t.server === 'string' ? t.server : null,
    transport: typeof t.transport === 'string' ? t.transport : null,
  }
}

function hashText(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)))
}
