// The `chat` profile `npm start` adds to its copy of the policies, for the gateway's
// OpenAI-compatible proxy in front of the demo upstream: the upstream's own token
// log-probabilities feed the ambiguity trigger, the upstream's moderation endpoint is the safety
// monitor, and two rules over the request show a refusal and a pause.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parsePolicy } from '../gateway/src/policy/parsePolicy.ts'
import { DEV_REVIEWER } from './pageConfig.ts'

/** The demo profile's name: the proxy's default profile on the local stack. */
export const DEMO_CHAT_PROFILE = 'chat'

/**
 * Writes `chat.yaml` into the local stack's policy directory, with the demo upstream's moderation
 * endpoint as monitor, and parses it back with the gateway's parser.
 *
 * @example
 * writeDemoChatPolicy({ dir: 'data/policies', monitorUrl: 'http://127.0.0.1:8789/v1/moderations' })
 */
export function writeDemoChatPolicy({
  dir,
  monitorUrl,
}: {
  dir: string
  monitorUrl: string
}): string {
  const text = `# Written by \`npm start\` for the OpenAI-compatible proxy in front of the demo upstream.
v: tml-policy/1
profile: ${DEMO_CHAT_PROFILE}
description: An LLM chat app behind the gateway's OpenAI-compatible proxy (local demo).
timing: deliberative
ambiguity: { entropy_max: 0.5, required: false }
harm: { ambiguous: 0.5, critical: 0.9, required: false }
rules:
  - id: no_credentials
    trigger: MANDATE
    outcome: -1
    reason: requests for credentials are refused
    when: { field: context.last_user_message, contains: password }
  - id: legal_review
    trigger: CONTEXTUAL
    outcome: 0
    reason: legal questions are reviewed by a person
    when: { field: context.last_user_message, contains: lawsuit }
pause:
  timeout_ms: 900000
reviewers: ["${DEV_REVIEWER}"]
proxy:
  logprobs: true
  top_logprobs: 5
  monitor: { url: "${monitorUrl}", timeout_ms: 2000 }
  energy_per_token_j: 0.3
`
  const file = join(dir, 'chat.yaml')
  parsePolicy({ text, file })
  writeFileSync(file, text)
  return file
}
