// Helpers for reading input from outside (bundles, JSON, requests) without trusting it.
// Internal: not exported from the barrel.

/** A short description of an untrusted value for error reasons, never its whole content. */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (value instanceof Uint8Array) return `${value.length} bytes`
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  return typeof value
}

/** True for a Uint8Array of exactly 32 bytes (every hash of the log is SHA-256). */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === 32
}

/** The message of anything thrown, without letting a hostile `toString` throw again. */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return 'unknown error'
  }
}
