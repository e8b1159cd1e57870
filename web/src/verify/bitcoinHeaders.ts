import { type BitcoinHeaderSource, esploraHeaderSource } from '@tml/core'

/**
 * The Bitcoin header source the user named for the timestamp check: an Esplora API root
 * (`https://blockstream.info/api`, or the local calendar's `…/esplora`), read from this browser.
 * Undefined for a blank field (the timestamp is then reported as not checked).
 *
 * @throws {Error} with a message to act on when the text is not an http(s) URL.
 * @example bitcoinHeaders('https://blockstream.info/api') // (height) => Promise<Uint8Array>
 */
export function bitcoinHeaders(url: string): BitcoinHeaderSource | undefined {
  const text = url.trim()
  if (text === '') return undefined
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    parsed = new URL('invalid:')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(
      'The Bitcoin header source must be an http(s) URL of an Esplora API, like https://blockstream.info/api.',
    )
  return esploraHeaderSource({ baseUrl: parsed.href, fetch: (u, init) => fetch(u, init) })
}
