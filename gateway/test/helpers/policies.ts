import { fileURLToPath } from 'node:url'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { parsePolicy } from '../../src/policy/parsePolicy.ts'
import type { Policy } from '../../src/policy/types.ts'

/** The policies shipped in gateway/policies. */
export const POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url))

export const shipped = loadPolicies({ paths: [POLICY_DIR] })

/** The shipped policy of a profile; throws when it is missing so a test cannot pass vacuously. */
export function shippedPolicy(profile: string): Policy {
  const loaded = shipped.get(profile)
  if (!loaded) throw new Error(`no shipped policy ${profile}`)
  return loaded.policy
}

/** A policy from YAML text, for tests that need their own thresholds. */
export function policyFromYaml(text: string): Policy {
  return parsePolicy({ text, file: 'test.yaml' }).policy
}
