import { hexToBytes } from '../bytes/hex.ts'
import { BitcoinHeaderError } from './BitcoinHeaderError.ts'
import { readBitcoinHeader } from './bitcoinHeader.ts'
import type { BitcoinHeaderSource } from './verifyOtsBitcoin.ts'

/** The part of the Fetch API the source uses: pass `globalThis.fetch`, or a wrapper. */
export type EsploraFetch = (
  url: string,
  init: { signal: AbortSignal },
) => Promise<Pick<Response, 'ok' | 'status' | 'body' | 'text'>>

/** Parameters of {@link esploraHeaderSource}. */
export type EsploraHeaderSourceParameters = {
  /** The API root, e.g. `https://blockstream.info/api` or the local calendar's `…/esplora`. */
  baseUrl: string
  fetch: EsploraFetch
  /** How long one request may take; default 10 s. */
  timeoutMs?: number
}

// A block hash is 64 hex digits, a header 160: anything longer is not an answer.
const MAX_ANSWER = 256
const HASH = /^[0-9a-f]{64}$/
const HEADER = /^[0-9a-f]{160}$/

/**
 * A {@link BitcoinHeaderSource} over Esplora's REST API: `GET /block-height/:height` answers the
 * block hash (text), `GET /block/:hash/header` the 80-byte header (hex). The header must hash to
 * the block hash asked for, so a confused or hostile source cannot answer another block's
 * header under that hash. Answers are read up to 256 bytes and each request is timed out. I/O
 * only through the injected `fetch`.
 *
 * Spec: Esplora HTTP API (github.com/Blockstream/esplora/blob/master/API.md).
 *
 * @example
 * const fetchHeader = esploraHeaderSource({ baseUrl: 'https://blockstream.info/api', fetch: globalThis.fetch })
 * await fetchHeader(840000) // Uint8Array(80)
 */
export function esploraHeaderSource({
  baseUrl,
  fetch,
  timeoutMs = 10_000,
}: EsploraHeaderSourceParameters): BitcoinHeaderSource {
  const root = baseUrl.replace(/\/+$/, '')
  const get = async (height: number, path: string): Promise<string> => {
    let response: Awaited<ReturnType<EsploraFetch>>
    try {
      response = await fetch(`${root}${path}`, { signal: AbortSignal.timeout(timeoutMs) })
    } catch (e) {
      throw new BitcoinHeaderError(height, `${root}${path} did not answer`, e)
    }
    if (!response.ok)
      throw new BitcoinHeaderError(height, `${root}${path} answered ${response.status}`)
    return (await readBounded(response, height)).trim()
  }
  return async (height) => {
    if (!Number.isSafeInteger(height) || height < 0)
      throw new BitcoinHeaderError(height, 'not a block height')
    const hash = await get(height, `/block-height/${height}`)
    if (!HASH.test(hash)) throw new BitcoinHeaderError(height, 'the block hash is malformed')
    const hex = await get(height, `/block/${hash}/header`)
    if (!HEADER.test(hex)) throw new BitcoinHeaderError(height, 'the header is not 80 bytes of hex')
    const header = hexToBytes(`0x${hex}`)
    if (readBitcoinHeader(header).hash !== `0x${hash}`)
      throw new BitcoinHeaderError(height, `the header served is not block ${hash}`)
    return header
  }
}

async function readBounded(
  response: Pick<Response, 'body' | 'text'>,
  height: number,
): Promise<string> {
  const tooLong = () =>
    new BitcoinHeaderError(height, `the answer is longer than ${MAX_ANSWER} bytes`)
  if (!response.body) {
    const text = await response.text()
    if (text.length > MAX_ANSWER) throw tooLong()
    return text
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > MAX_ANSWER) {
      await reader.cancel().catch(() => {})
      throw tooLong()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.length
  }
  return new TextDecoder().decode(bytes)
}
