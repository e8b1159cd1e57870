import { createHash } from 'node:crypto'
import type { Sha256 } from '@tml/core'

/**
 * SHA-256 from Node's OpenSSL binding, for the hot path (leaf hashes, input hashes). Gives the same
 * bytes as core's pure `sha256`; a test cross-checks them.
 *
 * Spec: FIPS 180-4.
 *
 * @example
 * hashLeaf(canonicalBytes(mtl), nodeSha256)
 */
export const nodeSha256: Sha256 = (...parts) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}
