import { InvalidMtlError } from './InvalidMtlError.ts'
import type { Mtl } from './types.ts'
import { validateMtl } from './validateMtl.ts'

/**
 * Returns `value` typed as an {@link Mtl} if it is a valid `mtl/1` record, and throws otherwise.
 *
 * Spec: `mtl/1` (schema/mtl-1.schema.json).
 *
 * @throws {InvalidMtlError} listing every issue (see {@link validateMtl}).
 * @example
 * const mtl = assertMtl(bundle.mtl)
 * const leaf = hashMtl(mtl)
 */
export function assertMtl(value: unknown): Mtl {
  const result = validateMtl(value)
  if (!result.valid) throw new InvalidMtlError(result.issues)
  return result.mtl
}
