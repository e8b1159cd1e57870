// Builds web/dist when it is missing or older than the sources it is built from, so that a
// second `npm start` serves the page it built before without a minute of Vite.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const SKIP = new Set(['node_modules', 'dist', 'e2e', 'test', 'artifacts', 'coverage'])

/** The newest modification time (ms) of the files under `paths` (files or directories). */
export function newestMtime(paths: readonly string[]): number {
  let newest = 0
  const visit = (path: string) => {
    if (!existsSync(path)) return
    const info = statSync(path)
    if (info.isDirectory()) {
      for (const name of readdirSync(path)) if (!SKIP.has(name)) visit(join(path, name))
    } else newest = Math.max(newest, info.mtimeMs)
  }
  for (const path of paths) visit(path)
  return newest
}

/** Why the page must be built, or undefined when web/dist is up to date. */
export function webBuildReason(root: string): string | undefined {
  const index = join(root, 'web', 'dist', 'index.html')
  if (!existsSync(index)) return 'web/dist is missing'
  const sources = newestMtime([
    join(root, 'web', 'src'),
    join(root, 'web', 'index.html'),
    join(root, 'web', 'package.json'),
    join(root, 'web', 'vite.config.ts'),
    join(root, 'core', 'src'),
  ])
  return sources > statSync(index).mtimeMs
    ? 'web/ or core/src changed since the last build'
    : undefined
}

/**
 * Builds the page with `build` (which runs `npm run web:build`) when needed; resolves with what
 * it did. The caller runs the build so that it can stop it with the rest of the stack.
 */
export async function ensureWebBuild(root: string, build: () => Promise<unknown>): Promise<string> {
  const reason = webBuildReason(root)
  if (reason === undefined) return 'web/dist is up to date'
  console.log(`start: building the web page (${reason}) …`)
  await build()
  return `built web/dist (${reason})`
}
