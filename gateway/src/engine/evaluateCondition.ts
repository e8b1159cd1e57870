import type { Comparison, Condition } from '../policy/types.ts'
import { pathWithin } from './pathWithin.ts'
import { MISSING, readField } from './readField.ts'

/** Parameters of {@link evaluateCondition}. */
export type EvaluateConditionParameters = {
  condition: Condition
  /** The object paths are read from: `{ input, output, context, signals }` of the request. */
  root: unknown
}

/**
 * Evaluates a policy rule's declarative condition. `all`/`any`/`not` combine; a comparison reads
 * one field and is false when the field is missing or of another type than the value (no
 * coercion: `"5"` is not greater than 4), except `exists: false` and `not_in`/`ne`/`not_within`,
 * which say what the field is not and are therefore true when it is missing (a path argument
 * that is missing or not a string is not within any root).
 *
 * Spec: Sacred Pause Protocol §4.4 (domain-specific triggers defined in configuration).
 *
 * @example
 * evaluateCondition({ condition: { field: 'context.age', op: 'lt', value: 18 }, root: { context: { age: 12 } } }) // true
 */
export function evaluateCondition({ condition, root }: EvaluateConditionParameters): boolean {
  if ('all' in condition)
    return condition.all.every((c) => evaluateCondition({ condition: c, root }))
  if ('any' in condition)
    return condition.any.some((c) => evaluateCondition({ condition: c, root }))
  if ('not' in condition) return !evaluateCondition({ condition: condition.not, root })
  return compare(condition, readField(root, condition.field))
}

/** Every field path a condition reads, for the causal graph. */
export function conditionFields(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionFields)
  if ('any' in condition) return condition.any.flatMap(conditionFields)
  if ('not' in condition) return conditionFields(condition.not)
  return [condition.field]
}

function compare({ op, value }: Comparison, actual: unknown): boolean {
  switch (op) {
    case 'exists':
      return (actual !== MISSING) === value
    case 'ne':
      return actual === MISSING || !scalarEquals(actual, value)
    case 'not_in':
      return (
        actual === MISSING || !(value as readonly unknown[]).some((v) => scalarEquals(actual, v))
      )
    case 'not_within':
      return typeof actual !== 'string' || !pathWithin(actual, value as readonly string[])
    default:
      break
  }
  if (actual === MISSING) return false
  switch (op) {
    case 'eq':
      return scalarEquals(actual, value)
    case 'in':
      return (value as readonly unknown[]).some((v) => scalarEquals(actual, v))
    case 'contains':
      if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value)
      return Array.isArray(actual) && actual.some((v) => scalarEquals(v, value))
    case 'starts_with':
      return typeof actual === 'string' && actual.startsWith(value as string)
    case 'within':
      return typeof actual === 'string' && pathWithin(actual, value as readonly string[])
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return ordered(op, actual, value)
  }
}

function scalarEquals(a: unknown, b: unknown): boolean {
  return a === b
}

function ordered(op: 'gt' | 'gte' | 'lt' | 'lte', actual: unknown, limit: unknown): boolean {
  const bothNumbers = typeof actual === 'number' && typeof limit === 'number'
  const bothStrings = typeof actual === 'string' && typeof limit === 'string'
  if (!bothNumbers && !bothStrings) return false
  const a = actual as number | string
  const b = limit as number | string
  if (op === 'gt') return a > b
  if (op === 'gte') return a >= b
  if (op === 'lt') return a < b
  return a <= b
}
