import { bytesToHex, type Hex, sha256, utf8ToBytes } from '@tml/core'
import type { Policy } from '../policy/types.ts'
import { validatePolicy } from '../policy/validatePolicy.ts'
import { ReplayError } from './ReplayError.ts'

/**
 * The policy a decision ran under, from the text the policy archive serves for its
 * `policy_hash` (`GET /v1/policies/{hash}`): the text must hash to `policyHash` (SHA-256 of its
 * UTF-8 bytes) before it is trusted, and must be a valid policy, validated by the gateway's own
 * validator so that defaults are applied exactly as when the gateway loaded it.
 * @throws {ReplayError} `TML_REPLAY_POLICY` naming the hash and what is wrong.
 *
 * @example
 * const policy = policyFromArchive({ text: await (await fetch(`${gw}/v1/policies/${mtl.policy_hash}`)).text(), policyHash: mtl.policy_hash })
 */
export function policyFromArchive({ text, policyHash }: { text: string; policyHash: Hex }): Policy {
  const actual = bytesToHex(sha256(utf8ToBytes(text)))
  if (actual !== policyHash.toLowerCase())
    throw new ReplayError(
      `the policy served for ${policyHash} hashes to ${actual}: it is not the policy the decision ran under`,
      { code: 'TML_REPLAY_POLICY' },
    )
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (e) {
    throw new ReplayError(`the policy ${policyHash} is not JSON: ${(e as Error).message}`, {
      code: 'TML_REPLAY_POLICY',
      cause: e,
    })
  }
  const result = validatePolicy(document)
  if (!result.valid)
    throw new ReplayError(
      `the policy ${policyHash} is not a valid policy: ${result.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.reason}`)
        .join('; ')}`,
      { code: 'TML_REPLAY_POLICY' },
    )
  return result.policy
}
