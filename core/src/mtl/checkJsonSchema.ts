import { appendPath } from '../jcs/appendPath.ts'
import type { JsonSchema, JsonSchemaType } from './JsonSchema.ts'
import { PATTERN_LABELS } from './patterns.ts'

/** One reason a value does not match a schema: where (a JSON path) and what was expected and got. */
export type SchemaIssue = { path: string; message: string }

export type CheckJsonSchemaParameters = {
  /** The schema to check against (the document root, for `$ref` resolution). */
  schema: JsonSchema
  /** Any value at all: it is only read, never trusted. */
  value: unknown
  /** Stop collecting after this many issues (untrusted input can be made to have millions). */
  maxIssues?: number
}

/**
 * Checks a value against a schema written in the {@link JsonSchema} subset, and says where and
 * why it does not match. An interpreter rather than hand-written checks, so that the published
 * schema and the runtime checks cannot drift apart.
 *
 * On JavaScript values it is stricter than JSON Schema only where JSON itself is: an `object` must
 * be a plain object without symbol keys, a `number` must be finite, so that every value it accepts
 * can be canonicalized (RFC 8785). On values from `JSON.parse` it agrees with any conforming
 * draft 2020-12 validator that checks `format` (patterns use the `u` flag, lengths count code
 * points).
 *
 * Spec: JSON Schema Validation draft 2020-12 §6 (assertions), Core §10 (applicators).
 *
 * @example
 * checkJsonSchema({ schema: { type: 'string', maxLength: 2 }, value: 'abc' })
 * // [{ path: '$', message: 'expected at most 2 characters, got 3' }]
 */
export function checkJsonSchema({
  schema,
  value,
  maxIssues = 100,
}: CheckJsonSchemaParameters): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  check({ root: schema, issues, maxIssues }, schema, value, '$')
  return issues
}

/** Keywords this interpreter understands; any other keyword in a schema is a programming error. */
export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  '$defs',
  '$ref',
  'allOf',
  'if',
  'then',
  'else',
  'properties',
  'additionalProperties',
  'propertyNames',
  'items',
  'type',
  'const',
  'enum',
  'pattern',
  'maxLength',
  'format',
  'minimum',
  'maximum',
  'required',
  'maxProperties',
  'maxItems',
  'uniqueItems',
])

type Context = { root: JsonSchema; issues: SchemaIssue[]; maxIssues: number }

function check(ctx: Context, schema: JsonSchema, value: unknown, path: string): void {
  const report = (message: string, at: string = path) => {
    if (ctx.issues.length < ctx.maxIssues) ctx.issues.push({ path: at, message })
  }

  if (schema.$ref !== undefined) check(ctx, resolveRef(ctx.root, schema.$ref), value, path)

  // A value of the wrong type makes every other keyword here meaningless: report only that.
  if (schema.type !== undefined) {
    const types: readonly JsonSchemaType[] =
      typeof schema.type === 'string' ? [schema.type] : schema.type
    if (!types.some((type) => hasType(value, type))) {
      report(`expected ${types.join(' or ')}, got ${describe(value)}`)
      return
    }
  }
  if (schema.const !== undefined && !jsonEqual(value, schema.const)) {
    report(`expected ${JSON.stringify(schema.const)}, got ${describe(value)}`)
    return
  }
  if (schema.enum !== undefined && !schema.enum.some((option) => jsonEqual(value, option))) {
    const options = schema.enum.map((o) => JSON.stringify(o)).join(', ')
    report(`expected one of ${options}, got ${describe(value)}`)
    return
  }

  if (typeof value === 'string') checkString(schema, value, report)
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      report(`expected a number >= ${schema.minimum}, got ${value}`)
    if (schema.maximum !== undefined && value > schema.maximum)
      report(`expected a number <= ${schema.maximum}, got ${value}`)
  }
  if (Array.isArray(value)) checkArray(ctx, schema, value, path, report)
  else if (isPlainObject(value)) checkObject(ctx, schema, value, path, report)

  for (const sub of schema.allOf ?? []) check(ctx, sub, value, path)
  if (schema.if !== undefined) {
    const probe: Context = { root: ctx.root, issues: [], maxIssues: 1 }
    check(probe, schema.if, value, path)
    const branch = probe.issues.length === 0 ? schema.then : schema.else
    if (branch !== undefined) checkBranch(ctx, branch, value, path)
  }
}

// Issues found by a `then`/`else` branch say which rule they come from (the branch's description),
// since "expected 1, got -1" alone would not tell the reader why 1 was expected.
function checkBranch(ctx: Context, branch: JsonSchema, value: unknown, path: string): void {
  const before = ctx.issues.length
  check(ctx, branch, value, path)
  if (branch.description === undefined) return
  for (let i = before; i < ctx.issues.length; i++) {
    const issue = ctx.issues[i] as SchemaIssue
    ctx.issues[i] = { path: issue.path, message: `${issue.message} (${branch.description})` }
  }
}

function checkString(schema: JsonSchema, value: string, report: (message: string) => void): void {
  // Length first, and nothing else on a string that is too long: no regex over megabytes.
  if (schema.maxLength !== undefined) {
    const length = codePointLength(value)
    if (length > schema.maxLength) {
      report(`expected at most ${schema.maxLength} characters, got ${length}`)
      return
    }
  }
  if (schema.pattern !== undefined && !compile(schema.pattern).test(value)) {
    const expected = PATTERN_LABELS.get(schema.pattern) ?? `a string matching /${schema.pattern}/u`
    report(`expected ${expected}, got ${describe(value)}`)
    return
  }
  if (schema.format === 'date-time' && !isDateTime(value)) {
    report(`expected an RFC 3339 date-time on a day that exists, got ${describe(value)}`)
  }
}

function checkArray(
  ctx: Context,
  schema: JsonSchema,
  value: unknown[],
  path: string,
  report: (message: string, at?: string) => void,
): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    report(`expected at most ${schema.maxItems} items, got ${value.length}`)
    return
  }
  if (schema.items !== undefined) {
    for (let i = 0; i < value.length && ctx.issues.length < ctx.maxIssues; i++) {
      check(ctx, schema.items, value[i], appendPath(path, i))
    }
  }
  if (schema.uniqueItems === true) {
    for (let j = 1; j < value.length; j++) {
      const i = value.findIndex((item, k) => k < j && jsonEqual(item, value[j]))
      if (i !== -1) report(`expected unique items, got a repeat of item ${i}`, appendPath(path, j))
    }
  }
}

function checkObject(
  ctx: Context,
  schema: JsonSchema,
  value: Record<string, unknown>,
  path: string,
  report: (message: string, at?: string) => void,
): void {
  const keys = Object.keys(value)
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    report(`expected at most ${schema.maxProperties} entries, got ${keys.length}`)
    return
  }
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name)) report('required field is missing', appendPath(path, name))
  }
  const properties = schema.properties ?? {}
  for (const key of keys) {
    if (ctx.issues.length >= ctx.maxIssues) return
    const at = appendPath(path, key)
    if (schema.propertyNames !== undefined) {
      const before = ctx.issues.length
      check(ctx, schema.propertyNames, key, at)
      // A bad name says nothing about its value; the name's issue is enough.
      if (ctx.issues.length > before) continue
    }
    // Object.hasOwn: a key such as "__proto__" or "constructor" must not find Object.prototype's.
    const known = Object.hasOwn(properties, key) ? properties[key] : undefined
    if (known !== undefined) check(ctx, known, value[key], at)
    else if (schema.additionalProperties === false) {
      report(`unknown field: ${schema.title ?? 'this object'} has no such field`, at)
    } else if (typeof schema.additionalProperties === 'object') {
      check(ctx, schema.additionalProperties, value[key], at)
    }
  }
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  const name = ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined
  const target =
    name !== undefined && root.$defs !== undefined && Object.hasOwn(root.$defs, name)
      ? root.$defs[name]
      : undefined
  // The schema is ours, not input: an unresolvable reference is a bug to surface at once.
  if (target === undefined) throw new Error(`checkJsonSchema: unsupported or unknown $ref ${ref}`)
  return target
}

function hasType(value: unknown, type: JsonSchemaType): boolean {
  switch (type) {
    case 'null':
      return value === null
    case 'boolean':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isPlainObject(value)
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return (
    (proto === Object.prototype || proto === null) &&
    Object.getOwnPropertySymbols(value).length === 0
  )
}

// Equality of JSON values as JSON Schema defines it (numbers by value, so 1 equals 1.0 and -0 equals 0).
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
    )
  }
  return false
}

// JSON Schema counts characters (code points), not UTF-16 units; a surrogate pair is one.
function codePointLength(value: string): number {
  let n = 0
  for (let i = 0; i < value.length; i++, n++) {
    const code = value.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
  }
  return n
}

const compiled = new Map<string, RegExp>()
function compile(pattern: string): RegExp {
  let re = compiled.get(pattern)
  if (re === undefined) {
    re = new RegExp(pattern, 'u')
    compiled.set(pattern, re)
  }
  return re
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/

/** RFC 3339 §5.6 `date-time`, with the day checked against its month and leap years (§5.7). */
function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value)
  if (m === null) return false
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const offsetHour = m[7] === undefined ? 0 : Number(m[7])
  const offsetMinute = m[8] === undefined ? 0 : Number(m[8])
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  if (days === undefined || day < 1 || day > days) return false
  // Second 60 is a leap second, which RFC 3339 allows.
  return hour <= 23 && minute <= 59 && second <= 60 && offsetHour <= 23 && offsetMinute <= 59
}

/** A short picture of a value for messages: never the whole of a huge untrusted string. */
function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return value.length > 80
        ? `${JSON.stringify(`${value.slice(0, 64)}…`)} (${value.length} UTF-16 units)`
        : JSON.stringify(value)
    case 'number':
    case 'boolean':
      return String(value)
    case 'object':
      return isPlainObject(value) ? 'an object' : 'a non-plain object'
    default:
      return typeof value
  }
}
