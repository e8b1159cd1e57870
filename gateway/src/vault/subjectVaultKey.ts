import { createHmac } from 'node:crypto'

// Domain separation from the pseudonyms the same secret derives (Pseudonymizer's tags).
const SUBJECT_VAULT_TAG = 'tml-vault-subject/1\0'

/**
 * The key that seals a subject's personal fields in the vault: HMAC-SHA-256 of a fixed tag under
 * the subject's pseudonymization secret. Erasing the subject destroys the secret, so this key can
 * no longer be derived by anyone, the gateway included: the fields are crypto-shredded with the
 * pseudonyms, while the sealed record and the log still verify.
 *
 * @example
 * const key = subjectVaultKey(subject.secret) // 32 bytes
 */
export function subjectVaultKey(secret: Uint8Array): Uint8Array {
  if (secret.length !== 32) throw new RangeError('a subject secret is 32 bytes')
  return new Uint8Array(createHmac('sha256', secret).update(SUBJECT_VAULT_TAG).digest())
}
