import { BaseError } from '@tml/core'

/** Deepest nesting of arrays and objects accepted in a request body. */
export const MAX_JSON_DEPTH = 32

/** A request body that is not JSON, or nests too deeply. Answered 400. */
export class MalformedJsonError extends BaseError {
  override name = 'MalformedJsonError' as const
  readonly statusCode = 400
  readonly code = 'malformed_json'
}

/**
 * Parses a JSON request body after checking its nesting depth with a linear scan: recursive
 * code downstream (schema validation, canonicalization) must never meet a value deep enough to
 * exhaust the stack, whatever a caller sends. Bodies are untrusted (sigstore-js: parse defensively).
 *
 * Spec: RFC 8259.
 *
 * @throws {MalformedJsonError} on invalid JSON or nesting deeper than {@link MAX_JSON_DEPTH}.
 * @example
 * parseJsonBody('{"a":[1]}') // { a: [1] }
 */
export function parseJsonBody(text: string): unknown {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH)
        throw new MalformedJsonError(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`)
    } else if (c === 0x7d || c === 0x5d) {
      depth--
    }
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new MalformedJsonError(`Body is not valid JSON: ${(e as Error).message.slice(0, 200)}`)
  }
}
