/**
 * The normal form of an absolute POSIX path: `.` and `..` segments resolved, repeated `/`
 * collapsed, no trailing `/` (except the root itself). `..` above the root stays at the root, as
 * the file system does.
 *
 * @example
 * normalizePosixPath('/srv/work/../etc//passwd/') // '/srv/etc/passwd'
 */
export function normalizePosixPath(path: string): string {
  // By hand rather than node:path, so that the engine also runs in a browser (the web page's
  // forensic replay). Only absolute paths reach here (see pathWithin and validatePolicy).
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  return `/${segments.join('/')}`
}

/**
 * Whether `path` is one of `roots` or lies under one, compared at `/` boundaries after
 * normalization, so that `/srv/work-evil` is not under `/srv/work` and `/srv/work/../etc` is not
 * either. Only absolute paths can be placed: a relative path (or `~/…`) depends on a working
 * directory the policy does not know, so it is never within (a rule on `not_within` then
 * applies: fail closed). Symbolic links are not resolved: the policy sees the path as written,
 * the server that owns the file system must still confine its own paths.
 *
 * @example
 * pathWithin('/srv/work/a.txt', ['/srv/work']) // true
 * pathWithin('/srv/work/../etc/passwd', ['/srv/work']) // false
 */
export function pathWithin(path: string, roots: readonly string[]): boolean {
  if (!path.startsWith('/') || path.includes('\0')) return false
  const normal = normalizePosixPath(path)
  return roots.some((root) => root === '/' || normal === root || normal.startsWith(`${root}/`))
}
