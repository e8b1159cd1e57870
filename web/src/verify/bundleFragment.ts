import { base64ToBytes, bytesToBase64, bytesToUtf8, utf8ToBytes } from '@tml/core'

/** The fragment key that carries a bundle: `#bundle=<base64url of the bundle's JSON>`. */
export const FRAGMENT_KEY = 'bundle'

/**
 * The URL fragment that carries a bundle. A fragment never leaves the browser (RFC 3986 §3.5:
 * it is not sent in requests), so a link to a proof reveals it to nobody but its reader.
 *
 * @example `${location.origin}${location.pathname}${bundleToFragment(text)}`
 */
export function bundleToFragment(json: string): string {
  const base64 = bytesToBase64(utf8ToBytes(json))
  return `#${FRAGMENT_KEY}=${base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
}

/**
 * The bundle JSON text in a URL fragment, undefined when the fragment carries none.
 * @throws {Error} when the fragment carries a bundle that is not base64url of UTF-8.
 * @example bundleFromFragment(location.hash)
 */
export function bundleFromFragment(hash: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash)
  const value = params.get(FRAGMENT_KEY)
  if (value === null || value === '') return undefined
  if (!/^[A-Za-z0-9_-]+$/.test(value))
    throw new Error('the link’s bundle is not base64url: was it cut or edited?')
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/')
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
  try {
    return bytesToUtf8(base64ToBytes(padded))
  } catch {
    throw new Error('the link’s bundle cannot be decoded: was it cut or edited?')
  }
}
