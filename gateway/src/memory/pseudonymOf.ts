import { createHmac } from 'node:crypto'

// Domain separation: one secret derives several values that must never be confused.
const SUBJECT_TAG = 'tml-subject/1\0'

/** The id a request without subject is pseudonymized as (under its one-off secret). */
export const ANONYMOUS_SUBJECT = 'anonymous'

/**
 * A subject's pseudonym: `psn:` + HMAC-SHA-256(secret, "tml-subject/1\0" ‖ id), lower-case hex.
 * Without the secret nobody can tell whose it is; once the secret is erased, nobody ever can.
 *
 * Spec: RFC 2104 (HMAC); Sacred Pause Protocol §12.2.
 *
 * @example
 * pseudonymOf(secret, 'patient-42') // 'psn:9f2c…'
 */
export function pseudonymOf(secret: Uint8Array, subjectId: string): `psn:${string}` {
  return `psn:${createHmac('sha256', secret).update(SUBJECT_TAG).update(subjectId).digest('hex')}`
}
