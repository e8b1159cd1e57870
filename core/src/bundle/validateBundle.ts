import { validateMtl } from '../mtl/validateMtl.ts'
import { BUNDLE_LIMITS } from './bundleLimits.ts'
import type { ProofBundle } from './ProofBundle.ts'
import { readBundle } from './readBundle.ts'

/** The result of {@link validateBundle}. */
export type ValidateBundleReturnType =
  | { valid: true; bundle: ProofBundle }
  | { valid: false; issues: { path: string; message: string }[] }

/**
 * Checks that an untrusted value is a well-formed `tml-proof/1` bundle: every field's shape and
 * bounds ({@link BUNDLE_LIMITS}), the checkpoint and receipt formats, and the MTL against the
 * `mtl/1` schema. It checks no hash, proof or signature: that is {@link verifyBundle}'s job.
 * Never throws; returns every issue (at most 100) with its JSON path. A valid bundle is returned
 * as is (not copied).
 *
 * Spec: ARCHITECTURE.md, Formats, Proof bundle (`tml-proof/1`).
 *
 * @example
 * const result = validateBundle(JSON.parse(text))
 * if (!result.valid) result.issues // [{ path: '$.inclusionProof[2]', message: 'expected 32-byte 0x hex, got "0x12"' }]
 */
export function validateBundle(value: unknown): ValidateBundleReturnType {
  try {
    const { issues, parts } = readBundle(value)
    if (parts.mtl !== undefined) {
      const mtl = validateMtl(parts.mtl)
      if (!mtl.valid) {
        for (const issue of mtl.issues)
          issues.push({ path: `$.mtl${issue.path.slice(1)}`, message: issue.message })
      }
    }
    if (issues.length > 0) return { valid: false, issues: issues.slice(0, BUNDLE_LIMITS.issues) }
    return { valid: true, bundle: value as ProofBundle }
  } catch {
    // Only hostile values get here (a getter or a proxy trap that throws).
    return { valid: false, issues: [{ path: '$', message: 'cannot be read' }] }
  }
}
