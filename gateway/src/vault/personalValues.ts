/**
 * The raw values at the dot paths `fields` of `value` (`input.patient.name`), by path; paths that
 * are missing are left out. These are the values the log holds only as pseudonyms: the vault
 * seals them under the subject's key, so that erasure shreds them with the pseudonyms.
 *
 * @example
 * personalValues({ value: { input: { name: 'Ada' } }, fields: ['input.name', 'input.age'] }) // { 'input.name': 'Ada' }
 */
export function personalValues({
  value,
  fields,
}: {
  value: unknown
  fields: readonly string[]
}): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const path of fields) {
    let node: unknown = value
    let found = true
    for (const key of path.split('.')) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
        found = false
        break
      }
      node = (node as Record<string, unknown>)[key]
    }
    if (found) out[path] = node
  }
  return out
}
