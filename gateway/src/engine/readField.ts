/** The sentinel {@link readField} returns for a path that does not lead to a value. */
export const MISSING: unique symbol = Symbol('missing')

/**
 * Follows a dot path (`context.patient.age`, `signals.sensors.0.id`) through plain objects and
 * arrays. Own properties only, so a path can never reach `__proto__` or `constructor` of a value
 * sent by a caller.
 *
 * @example
 * readField({ context: { a: [1, 2] } }, 'context.a.1') // 2
 * readField({}, 'context.a') === MISSING // true
 */
export function readField(root: unknown, path: string): unknown {
  let current: unknown = root
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return MISSING
    if (!Object.hasOwn(current, key)) return MISSING
    current = (current as Record<string, unknown>)[key]
  }
  return current === undefined ? MISSING : current
}
