import { checkJsonSchema, type SchemaIssue } from './checkJsonSchema.ts'
import { mtlSchema } from './mtlSchema.ts'
import type { Mtl } from './types.ts'

/** One reason a value is not a valid MTL: the JSON path of the field, what was expected and got. */
export type MtlIssue = SchemaIssue

export type ValidateMtlReturnType = { valid: true; mtl: Mtl } | { valid: false; issues: MtlIssue[] }

/**
 * Checks that an untrusted value is a valid `mtl/1` record, by interpreting {@link mtlSchema}, and
 * says precisely what is wrong when it is not (at most 100 issues). Never throws, whatever the
 * input: null, arrays, proxies, huge strings, `__proto__` keys. A valid record is returned as is
 * (not copied), typed as {@link Mtl}; every valid record can be canonicalized and hashed.
 *
 * Spec: `mtl/1` (schema/mtl-1.schema.json, JSON Schema draft 2020-12).
 *
 * @example
 * const result = validateMtl(JSON.parse(body))
 * if (!result.valid) for (const { path, message } of result.issues) console.warn(`${path}: ${message}`)
 * // e.g. "$.resolution.signature: expected string, got null (a reviewer or a verification must sign)"
 */
export function validateMtl(value: unknown): ValidateMtlReturnType {
  let issues: MtlIssue[]
  try {
    issues = checkJsonSchema({ schema: mtlSchema, value })
  } catch (error) {
    // Only hostile values get here (a getter or a proxy trap that throws, a stack overflow).
    return {
      valid: false,
      issues: [{ path: '$', message: `cannot be read: ${describeError(error)}` }],
    }
  }
  return issues.length === 0 ? { valid: true, mtl: value as Mtl } : { valid: false, issues }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error
      ? `${error.name}: ${error.message}`.slice(0, 200)
      : 'a non-Error was thrown'
  } catch {
    return 'an unreadable error was thrown'
  }
}
