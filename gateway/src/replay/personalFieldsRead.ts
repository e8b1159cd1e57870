import { conditionFields } from '../engine/evaluateCondition.ts'
import type { Policy } from '../policy/types.ts'

/** A rule that reads a field the vault seals only as its pseudonym. */
export type PersonalFieldRead = { rule: string; field: string; piiField: string }

/**
 * The policy's rules whose conditions read one of its `pii_fields` (the field itself, inside it
 * or around it). The engine judged those on the raw value, but the sealed evidence holds the
 * pseudonym (the raw value is sealed under the subject's key, which no grant releases), so a
 * replay judges them on the pseudonym: a difference in such a rule is explained by that, and the
 * replay report names these rules. The shipped policies have none.
 *
 * @example
 * personalFieldsRead(policy) // [{ rule: 'vip', field: 'context.user_email', piiField: 'context.user_email' }]
 */
export function personalFieldsRead(policy: Policy): PersonalFieldRead[] {
  const out: PersonalFieldRead[] = []
  for (const rule of policy.rules) {
    for (const field of new Set(conditionFields(rule.when))) {
      const pii = policy.piiFields.find(
        (p) => p === field || p.startsWith(`${field}.`) || field.startsWith(`${p}.`),
      )
      if (pii !== undefined) out.push({ rule: rule.id, field, piiField: pii })
    }
  }
  return out
}
