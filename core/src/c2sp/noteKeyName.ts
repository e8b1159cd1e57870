// Go's unicode.IsSpace (the White_Space property plus U+0085), which golang.org/x/mod/sumdb/note
// refuses in names: the same set here, so that a name valid for us is valid for Go's verifiers.
// JavaScript's \s differs (it has U+FEFF and lacks U+0085).
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u
// With the u flag this matches only unpaired surrogates, which have no UTF-8 form.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u

/**
 * Whether `name` may name a note key: non-empty, valid Unicode, no Unicode space and no `+`
 * (the separator of verifier key strings). Spec: c2sp.org/signed-note §Format.
 *
 * @example
 * isValidNoteKeyName('tml-anchor/5f3a…') // true
 * isValidNoteKeyName('a+b') // false
 */
export function isValidNoteKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name !== '' &&
    !name.includes('+') &&
    !SPACE.test(name) &&
    !LONE_SURROGATE.test(name)
  )
}
