const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** UTF-8 bytes of a string. Lone surrogates become U+FFFD: reject them before (canonicalize does). */
export function utf8ToBytes(value: string): Uint8Array {
  return encoder.encode(value)
}

/** Decodes UTF-8, throwing a TypeError on malformed input rather than inventing U+FFFD. */
export function bytesToUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}
