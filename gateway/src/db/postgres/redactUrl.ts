/**
 * A PostgreSQL URL as it may appear in logs and error messages: the password replaced by `***`.
 *
 * @example
 * redactUrl('postgres://tml:secret@db/tml') // 'postgres://tml:***@db/tml'
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparsable database URL)'
  }
}
