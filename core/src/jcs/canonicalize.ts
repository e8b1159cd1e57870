import { fastCanonicalize } from './fastCanonicalize.ts'
import { strictCanonicalize } from './strictCanonicalize.ts'

/**
 * The RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: no whitespace, object members
 * sorted by the UTF-16 code units of their names, numbers as ECMAScript prints them, strings with
 * the minimal escapes. Two equal JSON values always give the same text, so its UTF-8 bytes can be
 * hashed and signed.
 *
 * Strict by design, because a hash must commit to exactly what a reader will see: anything that
 * `JSON.stringify` would silently drop, change or invent is rejected with a {@link JcsError} that
 * names its path: `undefined`, functions, symbols, bigints, NaN and ±Infinity, lone surrogates (in
 * strings and in keys), symbol-keyed members, objects that are not plain (Date, Map, class
 * instances, boxed primitives: `toJSON` is never called) and cycles. `-0` is written `0`
 * (RFC 8785 §3.2.2.3). A value reached twice without a cycle is written twice.
 *
 * Fast: a single pass writes the text (keys sorted by insertion sort, strings scanned by a loop,
 * escapes and numbers by the engine's `JSON.stringify`/`Number::toString`, which are exactly
 * RFC 8785's for well-formed values). Anything that pass does not handle on its own goes to
 * {@link strictCanonicalize}, which names the fault; a property test checks both give the same
 * text and the same errors.
 *
 * Spec: RFC 8785 §3.2 (sorting §3.2.3, strings §3.2.2.2, numbers §3.2.2.3 = ECMA-262
 * Number::toString).
 *
 * @example
 * canonicalize({ b: [1e30, 4.5], a: '€\n' }) // '{"a":"€\\n","b":[1e+30,4.5]}'
 */
export function canonicalize(value: unknown): string {
  return fastCanonicalize(value) ?? strictCanonicalize(value)
}
