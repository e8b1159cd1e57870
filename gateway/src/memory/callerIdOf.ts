import { createHmac } from 'node:crypto'

// Domain separation: the subject-index key also derives subject lookups; a caller's id must never
// equal a lookup or a pseudonym derived from the same key.
const CALLER_TAG = 'tml-caller/1\0'

/**
 * The pseudonymous id of an API caller that an MTL records as `caller`: `clr:` + HMAC-SHA-256(key,
 * "tml-caller/1\0" ‖ caller name), lower-case hex. The name is the one its API key is issued to
 * (`caller:token`), never the token. The same caller always gets the same id, so an auditor can
 * group a caller's decisions; only the operator, who holds the key, can say which caller it is
 * (recompute it for each name they issued).
 *
 * Spec: RFC 2104 (HMAC).
 *
 * @example
 * callerIdOf(keys.subjectIndexKey, 'app') // 'clr:5be1…'
 */
export function callerIdOf(key: Uint8Array, caller: string): `clr:${string}` {
  return `clr:${createHmac('sha256', key).update(CALLER_TAG).update(caller, 'utf8').digest('hex')}`
}
