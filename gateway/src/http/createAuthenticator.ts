import { hash } from 'node:crypto'
import type { ApiKey } from '../keys/loadKeys.ts'

/**
 * Resolves an `Authorization: Bearer <token>` header (or a bare token) to the caller's name.
 * Tokens are compared by their SHA-256 in a map, so the lookup time does not depend on how much
 * of a guessed token is right.
 *
 * @example
 * const authenticate = createAuthenticator(keys.apiKeys)
 * authenticate('Bearer s3cr3t…') // 'app' or undefined
 */
export function createAuthenticator(
  apiKeys: readonly ApiKey[],
): (header: string | undefined) => string | undefined {
  const byHash = new Map(apiKeys.map((k) => [digest(k.token), k.caller]))
  return (header) => {
    if (typeof header !== 'string' || header.length > 1024) return undefined
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim()
    if (token === '') return undefined
    return byHash.get(digest(token))
  }
}

function digest(token: string): string {
  return hash('sha256', token, 'hex')
}
