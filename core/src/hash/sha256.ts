import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

/**
 * A synchronous SHA-256 over the concatenation of its arguments. Core takes one as a
 * parameter where speed matters (tree building), so that Node callers can pass
 * OpenSSL's (`nodeSha256` in the gateway) while the browser uses the pure default.
 */
export type Sha256 = (...parts: Uint8Array[]) => Uint8Array

/** Pure-JS SHA-256 (FIPS 180-4) from @noble/hashes: the default in every environment. */
export const sha256: Sha256 = (...parts) => {
  if (parts.length === 1) return nobleSha256(parts[0] as Uint8Array)
  const h = nobleSha256.create()
  for (const p of parts) h.update(p)
  return h.digest()
}
