/** Most fields of a metadata document shown, and most characters of each. */
const MOST_FIELDS = 12
const MOST_CHARS = 200

/** What an operator's metadata URI is, for people: fields of inline JSON, a link, or text. */
export type MetadataView =
  | { kind: 'none' }
  | { kind: 'fields'; fields: { name: string; value: string }[]; more: number }
  | { kind: 'link'; href: string; text: string }
  | { kind: 'text'; text: string; note?: string }

/**
 * Reads an operator's `metadataURI` (untrusted, from the chain) for display: a `data:` URI is
 * decoded and, when it holds a JSON object, shown as its fields (values as text, never as
 * markup or links); an `https:` URI is a link; an `ipfs://` URI is a link through a public IPFS
 * gateway; anything else is shown as text.
 *
 * @example readMetadataUri('data:application/json,{"name":"Demo"}') // { kind: 'fields', fields: [{ name: 'name', value: 'Demo' }], more: 0 }
 */
export function readMetadataUri(uri: string): MetadataView {
  const trimmed = uri.trim()
  if (trimmed === '') return { kind: 'none' }
  if (/^data:/i.test(trimmed)) return readDataUri(trimmed)
  if (/^ipfs:\/\//i.test(trimmed)) {
    const path = trimmed.slice('ipfs://'.length).replace(/^ipfs\//i, '')
    if (/^[A-Za-z0-9]+(\/[^\s]*)?$/.test(path))
      return { kind: 'link', href: `https://ipfs.io/ipfs/${path}`, text: trimmed }
    return { kind: 'text', text: trimmed }
  }
  try {
    const url = new URL(trimmed)
    if (url.protocol === 'https:') return { kind: 'link', href: url.href, text: trimmed }
  } catch {
    // Not a URL: shown as text.
  }
  return { kind: 'text', text: trimmed }
}

function readDataUri(uri: string): MetadataView {
  const comma = uri.indexOf(',')
  if (comma < 0) return { kind: 'text', text: uri, note: 'a data: URI without data' }
  const header = uri.slice(5, comma).toLowerCase()
  const payload = uri.slice(comma + 1)
  let text: string
  try {
    text = header.split(';').includes('base64')
      ? new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)))
      : decodeURIComponent(payload)
  } catch {
    return { kind: 'text', text: uri, note: 'a data: URI that does not decode' }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'text', text: clip(text), note: 'inline text' }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { kind: 'text', text: clip(text), note: 'inline JSON' }
  const entries = Object.entries(json)
  return {
    kind: 'fields',
    fields: entries.slice(0, MOST_FIELDS).map(([name, value]) => ({
      name: clip(name, 60),
      value: clip(typeof value === 'string' ? value : JSON.stringify(value)),
    })),
    more: Math.max(0, entries.length - MOST_FIELDS),
  }
}

function clip(text: string, most = MOST_CHARS): string {
  return text.length > most ? `${text.slice(0, most - 1)}…` : text
}
